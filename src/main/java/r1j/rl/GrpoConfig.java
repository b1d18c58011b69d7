package r1j.rl;

import r1j.train.Records;

/**
 * Every setting of a GRPO run — the starting model and the prompts included — written to the run folder's config.json. {@link #defaults()} follows
 * docs/world.md's calibration for the miniature: G 8, 16 prompts per step, β 0.02, learning rate 1e-4, token-level
 * loss, zero-spread groups counted, ε 0.2, temperature 1.0 for rollouts.
 */
public record GrpoConfig(
        String model, String data, String template, String rewards, String reward_weights, int group_size, int prompts_per_step, int mu,
        float eps_low, float eps_high, float beta, Advantages.Scale advantage_scale, GrpoObjective.Aggregation aggregation,
        boolean mask_truncated, boolean dynamic_sampling, int ref_refresh_every, float temperature, float top_p,
        float lr, int warmup_steps, int steps, int max_completion_tokens, int micro_batch, float grad_clip,
        float weight_decay, float bias_update_speed, int checkpoint_every, int sample_every, long seed,
        r1j.model.LoraConfig lora, boolean gradient_checkpointing) {

    /** The command line's and the pipeline's defaults: the calibration of docs/world.md for the miniature. */
    public static GrpoConfig defaults() {
        return new GrpoConfig(null, null, "r1-zero", "accuracy,format", null, 8, 16, 1, 0.2f, 0.2f, 0.02f, Advantages.Scale.GROUP_STD_SAMPLE,
                GrpoObjective.Aggregation.TOKEN_MEAN, false, false, 0, 1f, 1f, 1e-4f, 10, 400, 160, 8, 1f, 0f, 0f, 50, 10, 1, null, false);
    }

    /** The same settings for another stage of the recipe: its template, rewards with weights, steps and length. */
    public GrpoConfig forStage(String template, String rewards, String weights, int steps, int maxCompletionTokens) {
        return withTemplate(template).withRewards(rewards).withRewardWeights(weights).withSteps(steps)
                .withMaxCompletionTokens(maxCompletionTokens);
    }

    public GrpoConfig withModel(java.nio.file.Path p) { return withModel(p.toAbsolutePath().toString()); }
    public GrpoConfig withData(java.nio.file.Path p) { return withData(p.toAbsolutePath().toString()); }
    public GrpoConfig withModel(String v) { return Records.with(this, "model", v); }
    public GrpoConfig withData(String v) { return Records.with(this, "data", v); }
    public GrpoConfig withTemplate(String v) { return Records.with(this, "template", v); }
    public GrpoConfig withRewards(String v) { return Records.with(this, "rewards", v); }
    public GrpoConfig withRewardWeights(String v) { return Records.with(this, "reward_weights", v); }
    public GrpoConfig withGroupSize(int v) { return Records.with(this, "group_size", v); }
    public GrpoConfig withPromptsPerStep(int v) { return Records.with(this, "prompts_per_step", v); }
    public GrpoConfig withMu(int v) { return Records.with(this, "mu", v); }
    public GrpoConfig withEpsLow(float v) { return Records.with(this, "eps_low", v); }
    public GrpoConfig withEpsHigh(float v) { return Records.with(this, "eps_high", v); }
    public GrpoConfig withBeta(float v) { return Records.with(this, "beta", v); }
    public GrpoConfig withAdvantageScale(Advantages.Scale v) { return Records.with(this, "advantage_scale", v); }
    public GrpoConfig withAggregation(GrpoObjective.Aggregation v) { return Records.with(this, "aggregation", v); }
    public GrpoConfig withMaskTruncated(boolean v) { return Records.with(this, "mask_truncated", v); }
    public GrpoConfig withDynamicSampling(boolean v) { return Records.with(this, "dynamic_sampling", v); }
    public GrpoConfig withRefRefreshEvery(int v) { return Records.with(this, "ref_refresh_every", v); }
    public GrpoConfig withTemperature(float v) { return Records.with(this, "temperature", v); }
    public GrpoConfig withTopP(float v) { return Records.with(this, "top_p", v); }
    public GrpoConfig withLr(float v) { return Records.with(this, "lr", v); }
    public GrpoConfig withWarmupSteps(int v) { return Records.with(this, "warmup_steps", v); }
    public GrpoConfig withSteps(int v) { return Records.with(this, "steps", v); }
    public GrpoConfig withMaxCompletionTokens(int v) { return Records.with(this, "max_completion_tokens", v); }
    public GrpoConfig withMicroBatch(int v) { return Records.with(this, "micro_batch", v); }
    public GrpoConfig withGradClip(float v) { return Records.with(this, "grad_clip", v); }
    public GrpoConfig withWeightDecay(float v) { return Records.with(this, "weight_decay", v); }
    public GrpoConfig withBiasUpdateSpeed(float v) { return Records.with(this, "bias_update_speed", v); }
    public GrpoConfig withCheckpointEvery(int v) { return Records.with(this, "checkpoint_every", v); }
    public GrpoConfig withSampleEvery(int v) { return Records.with(this, "sample_every", v); }
    public GrpoConfig withSeed(long v) { return Records.with(this, "seed", v); }
    /** A LoRA adapter on the frozen base instead of full fine-tuning (null: full). */
    public GrpoConfig withLora(r1j.model.LoraConfig v) { return Records.with(this, "lora", v); }
    /** Recompute each dense layer in the backward instead of keeping its activations (same results). */
    public GrpoConfig withGradientCheckpointing(boolean v) { return Records.with(this, "gradient_checkpointing", v); }
}
