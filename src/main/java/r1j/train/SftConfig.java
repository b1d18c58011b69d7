package r1j.train;

import java.nio.file.Path;
import r1j.model.LoraConfig;
import r1j.tensor.AdamW;

/**
 * Every setting of an SFT run (DeepSeek-R1 §2.3.1 and §2.3.3: fine-tuning on cold-start data, then on ~800 K
 * rejection-sampled and non-reasoning samples for two epochs), written resolved to the run folder's config.json under
 * the component names. Built by name ({@link #builder()}, {@link #toBuilder()}); each default is defined once, in
 * {@link Builder}: the pipeline's SFT stages, 8 epochs at 5e-4 over 256-token rows of the chat template.
 */
public record SftConfig(String model, String data, String template, int epochs, int batch_size, int seq_len, float lr,
                        float min_lr, int warmup_steps, float weight_decay, float grad_clip, int eval_every,
                        int checkpoint_every, long seed, LoraConfig lora, boolean gradient_checkpointing,
                        int held_out_every, float adam_beta1, float adam_beta2, float adam_epsilon) {

    public SftConfig {
        if (epochs < 1 || batch_size < 1 || seq_len < 8) throw new IllegalArgumentException("sft: epochs, batch size ≥ 1 and seq_len ≥ 8");
        if (held_out_every < 0) throw new IllegalArgumentException("sft: held_out_every must be ≥ 0, got " + held_out_every);
    }

    /** The pipeline's SFT stages (cold start, stage 2). */
    public static SftConfig defaults() {
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

    /** Whether the i-th example (from 0) of the data is held out for the validation loss. */
    public boolean heldOut(int i) {
        return held_out_every > 0 && i % held_out_every == held_out_every - 1;
    }

    /** SFT's settings by name; a field's initial value is its default. */
    public static final class Builder implements OptimizerSettings<Builder> {
        private String model;
        private String data;
        private String template = "chat";
        private int epochs = 8;
        private int batch_size = 16;
        private int seq_len = 256;
        private float lr = 5e-4f;
        private float min_lr = 5e-5f;
        private int warmup_steps = 20;
        private float weight_decay;
        private float grad_clip = 1f;
        private int eval_every = 50;
        private int checkpoint_every = 200;
        private long seed = 1;
        private LoraConfig lora;
        private boolean gradient_checkpointing;
        private int held_out_every = 50;
        private float adam_beta1 = AdamW.Config.defaults().beta1();
        private float adam_beta2 = AdamW.Config.defaults().beta2();
        private float adam_epsilon = AdamW.Config.defaults().eps();

        private Builder() {}

        private Builder(SftConfig c) {
            model = c.model; data = c.data; template = c.template; epochs = c.epochs; batch_size = c.batch_size;
            seq_len = c.seq_len; lr = c.lr; min_lr = c.min_lr; warmup_steps = c.warmup_steps; weight_decay = c.weight_decay;
            grad_clip = c.grad_clip; eval_every = c.eval_every; checkpoint_every = c.checkpoint_every; seed = c.seed;
            lora = c.lora; gradient_checkpointing = c.gradient_checkpointing; held_out_every = c.held_out_every;
            adam_beta1 = c.adam_beta1; adam_beta2 = c.adam_beta2; adam_epsilon = c.adam_epsilon;
        }

        public SftConfig build() {
            return new SftConfig(model, data, template, epochs, batch_size, seq_len, lr, min_lr, warmup_steps, weight_decay,
                    grad_clip, eval_every, checkpoint_every, seed, lora, gradient_checkpointing, held_out_every, adam_beta1,
                    adam_beta2, adam_epsilon);
        }

        /** The model folder to fine-tune (a checkpoint, or a LoRA run's base). */
        public Builder model(String v) { model = v; return this; }
        public Builder model(Path v) { return model(v.toAbsolutePath().toString()); }
        /** The examples: JSONL of prompt/completion or messages rows. */
        public Builder data(String v) { data = v; return this; }
        public Builder data(Path v) { return data(v.toAbsolutePath().toString()); }
        /** The prompt template (chat, r1-zero, plain, or the model's chat template). */
        public Builder template(String v) { template = v; return this; }
        /** Passes over the training examples. */
        public Builder epochs(int v) { epochs = v; return this; }
        /** Rows per step. */
        public Builder batchSize(int v) { batch_size = v; return this; }
        /** Tokens per row; longer examples are cut. */
        public Builder seqLen(int v) { seq_len = v; return this; }
        @Override public Builder lr(float v) { lr = v; return this; }
        @Override public Builder minLr(float v) { min_lr = v; return this; }
        @Override public Builder warmupSteps(int v) { warmup_steps = v; return this; }
        @Override public Builder weightDecay(float v) { weight_decay = v; return this; }
        @Override public Builder gradClip(float v) { grad_clip = v; return this; }
        /** The peak learning rate, the floor a tenth of it. */
        public Builder peakLr(float v) { return lr(v).minLr(v / 10); }
        /** Steps between validation losses. */
        public Builder evalEvery(int v) { eval_every = v; return this; }
        /** Steps between checkpoints. */
        public Builder checkpointEvery(int v) { checkpoint_every = v; return this; }
        /** The run's seed: the order of the examples and LoRA initialisation follow from it. */
        public Builder seed(long v) { seed = v; return this; }
        /** A LoRA adapter on the frozen base instead of full fine-tuning (null: full). */
        public Builder lora(LoraConfig v) { lora = v; return this; }
        /** Recompute each dense layer in the backward instead of keeping its activations (same results). */
        public Builder gradientCheckpointing(boolean v) { gradient_checkpointing = v; return this; }
        /** Every n-th example is held out for the validation loss (0: none). */
        public Builder heldOutEvery(int v) { held_out_every = v; return this; }
        /** AdamW's β1. */
        @Override public Builder adamBeta1(float v) { adam_beta1 = v; return this; }
        /** AdamW's β2. */
        @Override public Builder adamBeta2(float v) { adam_beta2 = v; return this; }
        /** AdamW's ε. */
        @Override public Builder adamEpsilon(float v) { adam_epsilon = v; return this; }
    }
}
