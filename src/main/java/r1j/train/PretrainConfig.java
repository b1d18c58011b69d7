package r1j.train;

import java.nio.file.Path;
import r1j.tensor.AdamW;

/**
 * Every setting of a pretraining run, written resolved to the run folder's config.json under the component names.
 * Built by name ({@link #builder()}, {@link #toBuilder()}); each default is defined once, in {@link Builder}, and the
 * defaults are the tiny base of the pipeline (docs/world.md's calibrated miniature). A resumed run must have the same
 * settings (except the step limit of this process).
 */
public record PretrainConfig(
        String preset, String corpus, String tokenizer, int vocab_size, long tokens, int seq_len, int batch_size,
        float lr, float min_lr, int warmup_steps, float weight_decay, float grad_clip, float bias_update_speed,
        float balance_alpha, int mtp_layers, float mtp_lambda, int eval_every, int eval_batches, int checkpoint_every,
        long seed, int gate_every, float adam_beta1, float adam_beta2, float adam_epsilon) {

    public long steps() {
        return Math.max(1, tokens / ((long) seq_len * batch_size));
    }

    public Path corpusPath() {
        return Path.of(corpus);
    }

    /** The tiny base of the pipeline (docs/world.md's calibrated miniature); corpus and tokenizer are the run's own. */
    public static PretrainConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The optimiser these settings describe. */
    public AdamW.Config adamW() {
        return new AdamW.Config(adam_beta1, adam_beta2, adam_epsilon, weight_decay);
    }

    /** Pretraining's settings by name; a field's initial value is its default. */
    public static final class Builder implements OptimizerSettings<Builder> {
        private String preset = "tiny";
        private String corpus;
        private String tokenizer;
        private int vocab_size = 1024;
        private long tokens = 16_000_000L;
        private int seq_len = 256;
        private int batch_size = 16;
        private float lr = 2e-3f;
        private float min_lr = 2e-4f;
        private int warmup_steps = 100;
        private float weight_decay = 0.1f;
        private float grad_clip = 1f;
        private float bias_update_speed = 0.001f;
        private float balance_alpha;
        private int mtp_layers;
        private float mtp_lambda = 0.3f;
        private int eval_every = 250;
        private int eval_batches = 4;
        private int checkpoint_every = 500;
        private long seed = 1;
        private int gate_every;
        private float adam_beta1 = AdamW.Config.defaults().beta1();
        private float adam_beta2 = AdamW.Config.defaults().beta2();
        private float adam_epsilon = AdamW.Config.defaults().eps();

        private Builder() {}

        private Builder(PretrainConfig c) {
            preset = c.preset; corpus = c.corpus; tokenizer = c.tokenizer; vocab_size = c.vocab_size; tokens = c.tokens;
            seq_len = c.seq_len; batch_size = c.batch_size; lr = c.lr; min_lr = c.min_lr; warmup_steps = c.warmup_steps;
            weight_decay = c.weight_decay; grad_clip = c.grad_clip; bias_update_speed = c.bias_update_speed;
            balance_alpha = c.balance_alpha; mtp_layers = c.mtp_layers; mtp_lambda = c.mtp_lambda; eval_every = c.eval_every;
            eval_batches = c.eval_batches; checkpoint_every = c.checkpoint_every; seed = c.seed; gate_every = c.gate_every;
            adam_beta1 = c.adam_beta1; adam_beta2 = c.adam_beta2; adam_epsilon = c.adam_epsilon;
        }

        public PretrainConfig build() {
            return new PretrainConfig(preset, corpus, tokenizer, vocab_size, tokens, seq_len, batch_size, lr, min_lr,
                    warmup_steps, weight_decay, grad_clip, bias_update_speed, balance_alpha, mtp_layers, mtp_lambda,
                    eval_every, eval_batches, checkpoint_every, seed, gate_every, adam_beta1, adam_beta2, adam_epsilon);
        }

        /** The architecture, by preset name (nano, tiny, small, nano-student, …: r1j presets). */
        public Builder preset(String v) { preset = v; return this; }
        /** The corpus: a text file, one document per line or JSONL with a text field. */
        public Builder corpus(String v) { corpus = v; return this; }
        public Builder corpus(Path v) { return corpus(v.toAbsolutePath().toString()); }
        /** A tokenizer folder to use (null: train a byte-level BPE of vocab_size on the corpus). */
        public Builder tokenizer(String v) { tokenizer = v; return this; }
        public Builder tokenizer(Path v) { return tokenizer(v == null ? null : v.toAbsolutePath().toString()); }
        /** The BPE vocabulary to train (0: the preset's). */
        public Builder vocabSize(int v) { vocab_size = v; return this; }
        /** Training tokens in all; steps = tokens / (seq_len × batch_size). */
        public Builder tokens(long v) { tokens = v; return this; }
        /** Tokens per training sequence. */
        public Builder seqLen(int v) { seq_len = v; return this; }
        /** Sequences per step. */
        public Builder batchSize(int v) { batch_size = v; return this; }
        @Override public Builder lr(float v) { lr = v; return this; }
        @Override public Builder minLr(float v) { min_lr = v; return this; }
        @Override public Builder warmupSteps(int v) { warmup_steps = v; return this; }
        @Override public Builder weightDecay(float v) { weight_decay = v; return this; }
        @Override public Builder gradClip(float v) { grad_clip = v; return this; }
        /** γ of the router's bias-based load balancing (DeepSeek-V3 §2.1.2, auxiliary-loss-free). */
        public Builder biasUpdateSpeed(float v) { bias_update_speed = v; return this; }
        /** α of the complementary sequence-wise balance loss (DeepSeek-V3 eq. 17–20); 0: off. */
        public Builder balanceAlpha(float v) { balance_alpha = v; return this; }
        /** Multi-token-prediction modules (DeepSeek-V3 §2.2); 0: none. */
        public Builder mtpLayers(int v) { mtp_layers = v; return this; }
        /** λ: the weight of the MTP loss (DeepSeek-V3 eq. 25). */
        public Builder mtpLambda(float v) { mtp_lambda = v; return this; }
        /** Steps between validation losses. */
        public Builder evalEvery(int v) { eval_every = v; return this; }
        /** Validation batches per validation loss. */
        public Builder evalBatches(int v) { eval_batches = v; return this; }
        /** Steps between checkpoints. */
        public Builder checkpointEvery(int v) { checkpoint_every = v; return this; }
        /** The run's seed: initialisation and batch order follow from it. */
        public Builder seed(long v) { seed = v; return this; }
        /** Steps between checks of the base readiness gate; the run ends once it holds (0: never checked). */
        public Builder gateEvery(int v) { gate_every = v; return this; }
        /** AdamW's β1. */
        @Override public Builder adamBeta1(float v) { adam_beta1 = v; return this; }
        /** AdamW's β2 (0.95 as nanoGPT and DeepSeek-V3's pretraining). */
        @Override public Builder adamBeta2(float v) { adam_beta2 = v; return this; }
        /** AdamW's ε. */
        @Override public Builder adamEpsilon(float v) { adam_epsilon = v; return this; }
    }
}
