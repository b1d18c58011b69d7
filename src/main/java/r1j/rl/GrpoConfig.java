package r1j.rl;

import java.nio.file.Path;
import r1j.model.LoraConfig;
import r1j.tensor.AdamW;
import r1j.tensor.FrozenDtype;

/**
 * Every setting of a GRPO run — the starting model and the prompts included — written to the run folder's
 * config.json under the component names. Built by name ({@link #builder()}, {@link #toBuilder()}); each default is
 * defined once, in {@link Builder}, where it is documented. The defaults follow docs/world.md's calibration for the
 * miniature: G 8, 16 prompts per step, β 0.02, learning rate 1e-4, token-level loss, zero-spread groups counted,
 * ε 0.2, temperature 1.0 for rollouts.
 */
public record GrpoConfig(
        String model, String data, String template, String rewards, String reward_weights, int group_size, int prompts_per_step, int mu,
        float eps_low, float eps_high, float beta, Advantages.Scale advantage_scale, GrpoObjective.Aggregation aggregation,
        boolean mask_truncated, DynamicSampling dynamic_sampling, int ref_refresh_every, float temperature, float top_p,
        float lr, int warmup_steps, int steps, int max_completion_tokens, int micro_batch, float grad_clip,
        float weight_decay, float bias_update_speed, int checkpoint_every, int sample_every, long seed,
        LoraConfig lora, boolean gradient_checkpointing, float adam_beta1, float adam_beta2, float adam_epsilon,
        int overlong_max_length, int overlong_buffer, int repetition_ngram, FrozenDtype frozen_dtype, float tis_cap,
        GrpoObjective.ImportanceLevel importance_level, GrpoObjective.PolicyLoss policy_loss, int refill_max_groups, int async_steps) {

    /** The command line's and the pipeline's defaults: the calibration of docs/world.md for the miniature. */
    public static GrpoConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The same settings for another stage of the recipe: its template, rewards with weights, steps and length. */
    public GrpoConfig forStage(String template, String rewards, String weights, int steps, int maxCompletionTokens) {
        return toBuilder().template(template).rewards(rewards).rewardWeights(weights).steps(steps)
                .maxCompletionTokens(maxCompletionTokens).build();
    }

    /** The parameters of the shaping rewards the settings may name (overlong, repetition). */
    public r1j.reward.Rewards.Shaping shaping() {
        return new r1j.reward.Rewards.Shaping(overlong_max_length, overlong_buffer, repetition_ngram);
    }

    /** The objective these settings describe (GrpoObjective). */
    public GrpoObjective.Config objective() {
        return new GrpoObjective.Config(eps_low, eps_high, beta, importance_level, policy_loss);
    }

    /** The optimiser these settings describe. */
    public AdamW.Config adamW() {
        return new AdamW.Config(adam_beta1, adam_beta2, adam_epsilon, weight_decay);
    }

    /** GRPO's settings by name; a field's initial value is its default. */
    public static final class Builder {
        private String model;
        private String data;
        private String template = "r1-zero";
        private String rewards = "accuracy,format";
        private String reward_weights;
        private int group_size = 8;
        private int prompts_per_step = 16;
        private int mu = 1;
        private float eps_low = 0.2f;
        private float eps_high = 0.2f;
        private float beta = 0.02f;
        private Advantages.Scale advantage_scale = Advantages.Scale.GROUP_STD_SAMPLE;
        private GrpoObjective.Aggregation aggregation = GrpoObjective.Aggregation.TOKEN_MEAN;
        private boolean mask_truncated;
        private DynamicSampling dynamic_sampling = DynamicSampling.OFF;
        private int ref_refresh_every;
        private float temperature = 1f;
        private float top_p = 1f;
        private float lr = 1e-4f;
        private int warmup_steps = 10;
        private int steps = 400;
        private int max_completion_tokens = 160;
        private int micro_batch = 8;
        private float grad_clip = 1f;
        private float weight_decay;
        private float bias_update_speed;
        private int checkpoint_every = 50;
        private int sample_every = 10;
        private long seed = 1;
        private LoraConfig lora;
        private boolean gradient_checkpointing;
        private float adam_beta1 = AdamW.Config.defaults().beta1();
        private float adam_beta2 = 0.99f;
        private float adam_epsilon = AdamW.Config.defaults().eps();
        private int overlong_max_length = r1j.reward.Rewards.Shaping.DEFAULTS.overlongMaxLength();
        private int overlong_buffer = r1j.reward.Rewards.Shaping.DEFAULTS.overlongBuffer();
        private int repetition_ngram = r1j.reward.Rewards.Shaping.DEFAULTS.repetitionNgram();
        private FrozenDtype frozen_dtype = FrozenDtype.STORED;
        private float tis_cap = 2f;
        private GrpoObjective.ImportanceLevel importance_level = GrpoObjective.ImportanceLevel.TOKEN;
        private GrpoObjective.PolicyLoss policy_loss = GrpoObjective.PolicyLoss.CLIP;
        private int refill_max_groups = 32;
        private int async_steps;

        private Builder() {}

        private Builder(GrpoConfig c) {
            model = c.model; data = c.data; template = c.template; rewards = c.rewards; reward_weights = c.reward_weights;
            group_size = c.group_size; prompts_per_step = c.prompts_per_step; mu = c.mu; eps_low = c.eps_low;
            eps_high = c.eps_high; beta = c.beta; advantage_scale = c.advantage_scale; aggregation = c.aggregation;
            mask_truncated = c.mask_truncated; dynamic_sampling = c.dynamic_sampling; ref_refresh_every = c.ref_refresh_every;
            temperature = c.temperature; top_p = c.top_p; lr = c.lr; warmup_steps = c.warmup_steps; steps = c.steps;
            max_completion_tokens = c.max_completion_tokens; micro_batch = c.micro_batch; grad_clip = c.grad_clip;
            weight_decay = c.weight_decay; bias_update_speed = c.bias_update_speed; checkpoint_every = c.checkpoint_every;
            sample_every = c.sample_every; seed = c.seed; lora = c.lora; gradient_checkpointing = c.gradient_checkpointing;
            adam_beta1 = c.adam_beta1; adam_beta2 = c.adam_beta2; adam_epsilon = c.adam_epsilon;
            overlong_max_length = c.overlong_max_length; overlong_buffer = c.overlong_buffer; repetition_ngram = c.repetition_ngram;
            frozen_dtype = c.frozen_dtype; tis_cap = c.tis_cap; importance_level = c.importance_level;
            policy_loss = c.policy_loss; refill_max_groups = c.refill_max_groups; async_steps = c.async_steps;
        }

        public GrpoConfig build() {
            return new GrpoConfig(model, data, template, rewards, reward_weights, group_size, prompts_per_step, mu, eps_low,
                    eps_high, beta, advantage_scale, aggregation, mask_truncated, dynamic_sampling, ref_refresh_every,
                    temperature, top_p, lr, warmup_steps, steps, max_completion_tokens, micro_batch, grad_clip, weight_decay,
                    bias_update_speed, checkpoint_every, sample_every, seed, lora, gradient_checkpointing, adam_beta1,
                    adam_beta2, adam_epsilon, overlong_max_length, overlong_buffer, repetition_ngram, frozen_dtype, tis_cap,
                    importance_level, policy_loss, refill_max_groups, async_steps);
        }

        /** The policy's model folder (a checkpoint or a LoRA run's base). */
        public Builder model(String v) { model = v; return this; }
        public Builder model(Path v) { return model(v.toAbsolutePath().toString()); }
        /** The prompts: a JSONL file of problems. */
        public Builder data(String v) { data = v; return this; }
        public Builder data(Path v) { return data(v.toAbsolutePath().toString()); }
        /** The prompt template: r1-zero (R1 Table 1), chat or plain. */
        public Builder template(String v) { template = v; return this; }
        /** The reward functions, comma-separated (accuracy, format, language, helpfulness=DIR, …). */
        public Builder rewards(String v) { rewards = v; return this; }
        /** One weight per reward, comma-separated (null: all 1). */
        public Builder rewardWeights(String v) { reward_weights = v; return this; }
        /** G: completions sampled per prompt (DeepSeekMath §4.1.2). */
        public Builder groupSize(int v) { group_size = v; return this; }
        /** Prompts per policy update (a step's batch is this × G completions). */
        public Builder promptsPerStep(int v) { prompts_per_step = v; return this; }
        /** μ: policy updates per batch of rollouts (GRPO Algorithm 1); above 1 the ratio leaves 1 and clipping acts. */
        public Builder mu(int v) { mu = v; return this; }
        /** ε of the clipped ratio below 1 (PPO's ε; DAPO decouples it from the upper one). */
        public Builder epsLow(float v) { eps_low = v; return this; }
        /** ε of the clipped ratio above 1 (DAPO's clip-higher raises it to 0.28). */
        public Builder epsHigh(float v) { eps_high = v; return this; }
        /** β: the weight of the KL penalty to the reference (k3 estimator, DeepSeekMath eq. 4); 0 drops the reference. */
        public Builder beta(float v) { beta = v; return this; }
        /** How a group's rewards become advantages (DeepSeekMath's std, Dr. GRPO's none, …). */
        public Builder advantageScale(Advantages.Scale v) { advantage_scale = v; return this; }
        /** How per-token losses average into the batch's loss (token-level as DAPO, or per sequence as GRPO). */
        public Builder aggregation(GrpoObjective.Aggregation v) { aggregation = v; return this; }
        /** Drop completions cut at max_completion_tokens from the loss (DAPO's overlong filtering). */
        public Builder maskTruncated(boolean v) { mask_truncated = v; return this; }
        /** What to do with groups whose rewards are all equal: keep, leave out, or leave out and sample more (DAPO). */
        public Builder dynamicSampling(DynamicSampling v) { dynamic_sampling = java.util.Objects.requireNonNull(v); return this; }
        /**
         * With dynamic sampling REFILL, the most groups one step samples beyond prompts_per_step (twice the default
         * batch: late in a run most groups of an easy task are all right, and each extra group costs G rollouts).
         */
        public Builder refillMaxGroups(int v) { refill_max_groups = v; return this; }
        /** Replace the reference by the policy every that many steps (0: never). */
        public Builder refRefreshEvery(int v) { ref_refresh_every = v; return this; }
        /** Sampling temperature of the rollouts. */
        public Builder temperature(float v) { temperature = v; return this; }
        /** Nucleus sampling of the rollouts (1: off). */
        public Builder topP(float v) { top_p = v; return this; }
        /** Peak learning rate (constant after the warm-up). */
        public Builder lr(float v) { lr = v; return this; }
        /** Steps of linear warm-up. */
        public Builder warmupSteps(int v) { warmup_steps = v; return this; }
        /** Policy updates of the run. */
        public Builder steps(int v) { steps = v; return this; }
        /** The longest completion sampled, in tokens. */
        public Builder maxCompletionTokens(int v) { max_completion_tokens = v; return this; }
        /** Sequences per forward and backward (changes memory, not the result). */
        public Builder microBatch(int v) { micro_batch = v; return this; }
        /** Global gradient-norm clipping. */
        public Builder gradClip(float v) { grad_clip = v; return this; }
        /** AdamW's decoupled weight decay. */
        public Builder weightDecay(float v) { weight_decay = v; return this; }
        /** γ of the router's bias-based load balancing (DeepSeek-V3 §2.1.2); 0 freezes the biases during RL. */
        public Builder biasUpdateSpeed(float v) { bias_update_speed = v; return this; }
        /** Steps between checkpoints (0: only the last step's). */
        public Builder checkpointEvery(int v) { checkpoint_every = v; return this; }
        /** Steps between the sample completions written to samples.jsonl. */
        public Builder sampleEvery(int v) { sample_every = v; return this; }
        /** The run's seed: sampling, prompt order and LoRA initialisation follow from it. */
        public Builder seed(long v) { seed = v; return this; }
        /** A LoRA adapter on the frozen base instead of full fine-tuning (null: full). */
        public Builder lora(LoraConfig v) { lora = v; return this; }
        /** Recompute each dense layer in the backward instead of keeping its activations (same results). */
        public Builder gradientCheckpointing(boolean v) { gradient_checkpointing = v; return this; }
        /** AdamW's β1. */
        public Builder adamBeta1(float v) { adam_beta1 = v; return this; }
        /** AdamW's β2: 0.99 for RL, whose gradients are noisier than pretraining's (0.95). */
        public Builder adamBeta2(float v) { adam_beta2 = v; return this; }
        /** AdamW's ε. */
        public Builder adamEpsilon(float v) { adam_epsilon = v; return this; }
        /** The overlong reward's limit: −1 at this completion length (DAPO §3.4; the default is Rewards.Shaping's). */
        public Builder overlongMaxLength(int v) { overlong_max_length = v; return this; }
        /** The overlong reward's buffer: it falls from 0 over this many tokens before the limit. */
        public Builder overlongBuffer(int v) { overlong_buffer = v; return this; }
        /** The repetition reward's n-gram size. */
        public Builder repetitionNgram(int v) { repetition_ngram = v; return this; }
        /**
         * The width the policy's weights are read in while it samples rollouts: as stored (the trainer's exact policy),
         * or Q8 (8-bit, about half the bytes per token; the objective then corrects with tis_cap).
         */
        public Builder frozenDtype(FrozenDtype v) { frozen_dtype = v; return this; }
        /**
         * C of the truncated importance weight min(π_old / π_sampler, C) that multiplies each token's loss when rollouts
         * are not sampled from the trainer's exact policy (Yao et al. 2025; verl's tis_imp_ratio_cap, 2 by default).
         */
        public Builder tisCap(float v) { tis_cap = v; return this; }
        /**
         * Whose ratio π_θ/π_old the objective clips: each token's (GRPO) or its sequence's length-normalised one (GSPO,
         * arXiv 2507.18071; on-policy the two give one gradient).
         */
        public Builder importanceLevel(GrpoObjective.ImportanceLevel v) { importance_level = java.util.Objects.requireNonNull(v); return this; }
        /**
         * The policy term: PPO's clipped surrogate (GRPO) or CISPO's detached clipped weight times A·log π (MiniMax-M1,
         * arXiv 2506.13585: clipped tokens keep their gradient); both clip to [1 − eps_low, 1 + eps_high].
         */
        public Builder policyLoss(GrpoObjective.PolicyLoss v) { policy_loss = java.util.Objects.requireNonNull(v); return this; }
        /**
         * N: the rollouts of step s are sampled from the policy after s − N updates, on a generation thread (or the
         * cluster's workers) while the trainer updates (AheadRollouts; verl's one-step-off-policy is 1). 0: on-policy,
         * sampled then trained, as GRPO is published. Above 0 the objective corrects with tis_cap.
         */
        public Builder asyncSteps(int v) { async_steps = v; return this; }

    }
}
