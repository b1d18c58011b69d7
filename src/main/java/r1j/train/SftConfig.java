package r1j.train;

/**
 * Every setting of an SFT run (DeepSeek-R1 §2.3.1 and §2.3.3: fine-tuning on cold-start data, then on ~800 K
 * rejection-sampled and non-reasoning samples for two epochs), written resolved to the run folder's config.json.
 * Every 50th example is held out for the validation loss.
 */
public record SftConfig(String model, String data, String template, int epochs, int batch_size, int seq_len, float lr,
                        float min_lr, int warmup_steps, float weight_decay, float grad_clip, int eval_every,
                        int checkpoint_every, long seed, r1j.model.LoraConfig lora,
                        boolean gradient_checkpointing) {

    public SftConfig {
        if (epochs < 1 || batch_size < 1 || seq_len < 8) throw new IllegalArgumentException("sft: epochs, batch size ≥ 1 and seq_len ≥ 8");
    }

    /** The pipeline's SFT stages (cold start, stage 2): 8 epochs at 5e-4 over 256-token rows of the chat template. */
    public static SftConfig defaults() {
        return new SftConfig(null, null, "chat", 8, 16, 256, 5e-4f, 5e-5f, 20, 0f, 1f, 50, 200, 1, null, false);
    }

    public SftConfig withModel(java.nio.file.Path p) { return withModel(p.toAbsolutePath().toString()); }
    public SftConfig withData(java.nio.file.Path p) { return withData(p.toAbsolutePath().toString()); }

    /** The same settings at another peak learning rate, the floor a tenth of it. */
    public SftConfig withPeakLr(float lr) {
        return withLr(lr).withMinLr(lr / 10);
    }

    public SftConfig withModel(String v) { return Records.with(this, "model", v); }
    public SftConfig withData(String v) { return Records.with(this, "data", v); }
    public SftConfig withTemplate(String v) { return Records.with(this, "template", v); }
    public SftConfig withEpochs(int v) { return Records.with(this, "epochs", v); }
    public SftConfig withBatchSize(int v) { return Records.with(this, "batch_size", v); }
    public SftConfig withSeqLen(int v) { return Records.with(this, "seq_len", v); }
    public SftConfig withLr(float v) { return Records.with(this, "lr", v); }
    public SftConfig withMinLr(float v) { return Records.with(this, "min_lr", v); }
    public SftConfig withWarmupSteps(int v) { return Records.with(this, "warmup_steps", v); }
    public SftConfig withWeightDecay(float v) { return Records.with(this, "weight_decay", v); }
    public SftConfig withGradClip(float v) { return Records.with(this, "grad_clip", v); }
    public SftConfig withEvalEvery(int v) { return Records.with(this, "eval_every", v); }
    public SftConfig withCheckpointEvery(int v) { return Records.with(this, "checkpoint_every", v); }
    public SftConfig withSeed(long v) { return Records.with(this, "seed", v); }
    /** A LoRA adapter on the frozen base instead of full fine-tuning (null: full). */
    public SftConfig withLora(r1j.model.LoraConfig v) { return Records.with(this, "lora", v); }
    /** Recompute each dense layer in the backward instead of keeping its activations (same results). */
    public SftConfig withGradientCheckpointing(boolean v) { return Records.with(this, "gradient_checkpointing", v); }
}
