package r1j.train;

import java.nio.file.Path;

/**
 * Every setting of a pretraining run, written resolved to the run folder's config.json. A resumed run must have the
 * same settings (except the step limit of this process). With gate_every &gt; 0 the base readiness gate is checked
 * every that many steps and the run ends early once it holds (world.md: pretrain until the gate holds).
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

    /** Settings that must agree for a resume to continue the same run. */
    boolean sameRunAs(PretrainConfig o) {
        return preset.equals(o.preset) && corpus.equals(o.corpus) && tokens == o.tokens && seq_len == o.seq_len
                && batch_size == o.batch_size && seed == o.seed && lr == o.lr && vocab_size == o.vocab_size
                && mtp_layers == o.mtp_layers;
    }
}
