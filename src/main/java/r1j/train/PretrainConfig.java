package r1j.train;

import java.nio.file.Path;

/**
 * Every setting of a pretraining run, written resolved to the run folder's config.json. A resumed run must have the
 * same settings (except the step limit of this process). With gate_every &gt; 0 the base readiness gate is checked
 * every that many steps and the run ends early once it holds (docs/world.md: pretrain until the gate holds).
 */
public record PretrainConfig(
        String preset, String corpus, String tokenizer, int vocab_size, long tokens, int seq_len, int batch_size,
        float lr, float min_lr, int warmup_steps, float weight_decay, float grad_clip, float bias_update_speed,
        float balance_alpha, int mtp_layers, float mtp_lambda, int eval_every, int eval_batches, int checkpoint_every,
        long seed, int gate_every) {

    public long steps() {
        return Math.max(1, tokens / ((long) seq_len * batch_size));
    }

    public Path corpusPath() {
        return Path.of(corpus);
    }

    /** The tiny base of the pipeline (docs/world.md's calibrated miniature); corpus and tokenizer are the run's own. */
    public static PretrainConfig defaults() {
        return new PretrainConfig("tiny", null, null, 1024, 16_000_000L, 256, 16, 2e-3f, 2e-4f, 100, 0.1f, 1f, 0.001f, 0f, 0,
                0.3f, 250, 4, 500, 1, 0);
    }

    public PretrainConfig withCorpus(Path p) { return withCorpus(p.toAbsolutePath().toString()); }
    public PretrainConfig withTokenizer(Path p) { return withTokenizer(p == null ? null : p.toAbsolutePath().toString()); }
    public PretrainConfig withPreset(String v) { return Records.with(this, "preset", v); }
    public PretrainConfig withCorpus(String v) { return Records.with(this, "corpus", v); }
    public PretrainConfig withTokenizer(String v) { return Records.with(this, "tokenizer", v); }
    public PretrainConfig withVocabSize(int v) { return Records.with(this, "vocab_size", v); }
    public PretrainConfig withTokens(long v) { return Records.with(this, "tokens", v); }
    public PretrainConfig withSeqLen(int v) { return Records.with(this, "seq_len", v); }
    public PretrainConfig withBatchSize(int v) { return Records.with(this, "batch_size", v); }
    public PretrainConfig withLr(float v) { return Records.with(this, "lr", v); }
    public PretrainConfig withMinLr(float v) { return Records.with(this, "min_lr", v); }
    public PretrainConfig withWarmupSteps(int v) { return Records.with(this, "warmup_steps", v); }
    public PretrainConfig withWeightDecay(float v) { return Records.with(this, "weight_decay", v); }
    public PretrainConfig withGradClip(float v) { return Records.with(this, "grad_clip", v); }
    public PretrainConfig withBiasUpdateSpeed(float v) { return Records.with(this, "bias_update_speed", v); }
    public PretrainConfig withBalanceAlpha(float v) { return Records.with(this, "balance_alpha", v); }
    public PretrainConfig withMtpLayers(int v) { return Records.with(this, "mtp_layers", v); }
    public PretrainConfig withMtpLambda(float v) { return Records.with(this, "mtp_lambda", v); }
    public PretrainConfig withEvalEvery(int v) { return Records.with(this, "eval_every", v); }
    public PretrainConfig withEvalBatches(int v) { return Records.with(this, "eval_batches", v); }
    public PretrainConfig withCheckpointEvery(int v) { return Records.with(this, "checkpoint_every", v); }
    public PretrainConfig withSeed(long v) { return Records.with(this, "seed", v); }
    public PretrainConfig withGateEvery(int v) { return Records.with(this, "gate_every", v); }
}
