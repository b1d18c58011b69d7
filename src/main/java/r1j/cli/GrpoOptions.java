package r1j.cli;

import picocli.CommandLine.Option;
import r1j.rl.Advantages;
import r1j.rl.DynamicSampling;
import r1j.rl.GrpoConfig;
import r1j.rl.GrpoObjective;

/** The GRPO settings of `r1j grpo`, `r1j r1-zero` and `r1j pipeline`; their defaults are {@link GrpoConfig#defaults()}. */
public final class GrpoOptions {
    private static final GrpoConfig D = GrpoConfig.defaults();

    @Option(names = "--template")
    String template = D.template();

    @Option(names = "--rewards")
    String rewards = D.rewards();

    @Option(names = "--weights", description = "Reward weights (default: 1 each, 0.1 for format).")
    String weights;

    @Option(names = {"-G", "--group-size"})
    int group = D.group_size();

    @Option(names = "--prompts-per-step")
    int prompts = D.prompts_per_step();

    @Option(names = "--mu", description = "Optimisation passes per batch.")
    int mu = D.mu();

    @Option(names = "--eps-low")
    float epsLow = D.eps_low();

    @Option(names = "--eps-high", description = "Above --eps-low: clip-higher (DAPO).")
    float epsHigh = D.eps_high();

    @Option(names = "--beta", description = "KL coefficient (0: no reference model).")
    float beta = D.beta();

    @Option(names = "--advantage",
            description = "GROUP_STD_SAMPLE, GROUP_STD_POPULATION, BATCH_STD or NONE (Dr. GRPO).")
    Advantages.Scale scale = D.advantage_scale();

    @Option(names = "--aggregation",
            description = "SEQUENCE_MEAN (DeepSeekMath), TOKEN_MEAN (DAPO) or CONSTANT (Dr. GRPO).")
    GrpoObjective.Aggregation aggregation = D.aggregation();

    @Option(names = "--mask-truncated")
    boolean maskTruncated;

    @Option(names = "--dynamic-sampling", arity = "0..1", fallbackValue = "filter", paramLabel = "off|filter|refill",
            description = "Groups whose rewards are all equal: off (kept; default), filter (left out; the flag alone) or "
                    + "refill (left out, and further groups sampled until the step has --prompts-per-step with a spread; DAPO).")
    String dynamicSampling = D.dynamic_sampling().name().toLowerCase(java.util.Locale.ROOT);

    @Option(names = "--refill-max-groups", description = "With --dynamic-sampling refill: the most groups a step samples "
            + "beyond --prompts-per-step (default ${DEFAULT-VALUE}).")
    int refillMaxGroups = D.refill_max_groups();

    @Option(names = "--importance-level", paramLabel = "token|sequence",
            description = "Whose ratio π/π_old is clipped: each token's (GRPO; default) or its sequence's length-normalised one (GSPO).")
    String importanceLevel = D.importance_level().name().toLowerCase(java.util.Locale.ROOT);

    @Option(names = "--policy-loss", paramLabel = "clip|cispo",
            description = "The policy term: the clipped surrogate (GRPO; default) or CISPO's detached clipped weight × A·log π.")
    String policyLoss = D.policy_loss().name().toLowerCase(java.util.Locale.ROOT);

    @Option(names = "--async-steps", description = "Sample the rollouts of step s from the policy after s − N updates, "
            + "while the trainer updates (truncated importance weights correct the lag; 0: on-policy, default).")
    int asyncSteps = D.async_steps();

    /** The constant of e named by the option's value in any case, or a usage error listing the names in lower case. */
    static <E extends Enum<E>> E named(Class<E> e, String option, String v) {
        for (E x : e.getEnumConstants()) if (x.name().equalsIgnoreCase(v.trim())) return x;
        StringBuilder names = new StringBuilder();
        for (E x : e.getEnumConstants()) names.append(names.isEmpty() ? "" : ", ").append(x.name().toLowerCase(java.util.Locale.ROOT));
        throw new UserError(option + ": '" + v + "' is none of " + names);
    }

    @Option(names = "--ref-refresh-every")
    int refRefresh = D.ref_refresh_every();

    @Option(names = "--temperature")
    float temperature = D.temperature();

    @Option(names = "--top-p")
    float topP = D.top_p();

    @Option(names = "--lr")
    float lr = D.lr();

    @Option(names = "--warmup")
    int warmup = D.warmup_steps();

    @Option(names = "--steps")
    int steps = D.steps();

    @Option(names = "--max-completion-tokens")
    int maxCompletion = D.max_completion_tokens();

    @Option(names = "--micro-batch", description = "Rollouts per forward/backward pass (docs/results.md: the fastest of 8, 16, 32 on 2 cores).")
    int microBatch = D.micro_batch();

    @Option(names = "--grad-clip")
    float clip = D.grad_clip();

    @Option(names = "--bias-update-speed")
    float gamma = D.bias_update_speed();

    @Option(names = "--checkpoint-every")
    int checkpointEvery = D.checkpoint_every();

    @Option(names = "--sample-every")
    int sampleEvery = D.sample_every();

    @Option(names = "--seed")
    long seed = D.seed();

    @Option(names = "--adam-beta1", description = "AdamW's β1.")
    float adamBeta1 = D.adam_beta1();

    @Option(names = "--adam-beta2", description = "AdamW's β2 (RL's gradients are noisier than pretraining's: 0.99).")
    float adamBeta2 = D.adam_beta2();

    @Option(names = "--adam-epsilon", description = "AdamW's ε.")
    float adamEpsilon = D.adam_epsilon();

    @Option(names = "--overlong-max-length", description = "The overlong reward reaches −1 at this completion length (DAPO).")
    int overlongMax = D.overlong_max_length();

    @Option(names = "--overlong-buffer", description = "The overlong reward falls from 0 over this many tokens before the limit.")
    int overlongBuffer = D.overlong_buffer();

    @Option(names = "--repetition-ngram", description = "The repetition reward's n-gram size.")
    int repetitionNgram = D.repetition_ngram();

    /** Rollouts sampled with stored or q8 weights (with q8 the loss carries truncated importance weights). */
    @picocli.CommandLine.Mixin
    FrozenDtypeOption frozenDtype = new FrozenDtypeOption();

    @Option(names = "--tis-cap", description = "C of the truncated importance weight min(π_old/π_sampler, C) for rollouts "
            + "that are not the trainer's exact policy.")
    float tisCap = D.tis_cap();

    GrpoConfig config() {
        if (group < 2) throw new UserError("--group-size must be at least 2 (advantages are relative to the group)");
        if (prompts < 1 || steps < 1 || mu < 1 || microBatch < 1) throw new UserError("--prompts-per-step, --steps, --mu, --micro-batch must be positive");
        // Written as !(x ≥ 0) so that NaN fails too.
        if (!(lr > 0) || !Float.isFinite(lr)) throw new UserError("--lr must be a positive number, got " + lr);
        if (!(beta >= 0) || !Float.isFinite(beta)) throw new UserError("--beta (the KL coefficient) must be ≥ 0, got " + beta);
        if (!(epsLow >= 0) || !(epsHigh >= epsLow)) throw new UserError("--eps-low must be ≥ 0 and --eps-high ≥ --eps-low, got " + epsLow + " and " + epsHigh);
        if (!(temperature > 0) || !Float.isFinite(temperature)) {
            throw new UserError("--temperature must be positive: GRPO compares sampled completions (got " + temperature + ")");
        }
        if (!(topP > 0) || topP > 1) throw new UserError("--top-p must be in (0, 1], got " + topP);
        if (maxCompletion < 1) throw new UserError("--max-completion-tokens must be ≥ 1, got " + maxCompletion);
        if (!(clip > 0)) throw new UserError("--grad-clip must be positive, got " + clip);
        if (warmup < 0 || refRefresh < 0 || checkpointEvery < 0) throw new UserError("--warmup, --ref-refresh-every and --checkpoint-every must be ≥ 0");
        OptimizerOptions.checkAdam(adamBeta1, adamBeta2, adamEpsilon);
        if (overlongBuffer < 1 || overlongBuffer > overlongMax) {
            throw new UserError("--overlong-buffer must be within [1, --overlong-max-length " + overlongMax + "], got " + overlongBuffer);
        }
        if (repetitionNgram < 1) throw new UserError("--repetition-ngram must be ≥ 1, got " + repetitionNgram);
        if (!(tisCap >= 1) || !Float.isFinite(tisCap)) throw new UserError("--tis-cap must be a number ≥ 1, got " + tisCap);
        if (asyncSteps < 0) throw new UserError("--async-steps must be ≥ 0, got " + asyncSteps);
        if (refillMaxGroups < 0) throw new UserError("--refill-max-groups must be ≥ 0, got " + refillMaxGroups);
        return D.toBuilder().template(template).rewards(rewards).rewardWeights(weights).groupSize(group).promptsPerStep(prompts)
                .mu(mu).epsLow(epsLow).epsHigh(epsHigh).beta(beta).advantageScale(scale).aggregation(aggregation)
                .maskTruncated(maskTruncated).dynamicSampling(named(DynamicSampling.class, "--dynamic-sampling", dynamicSampling)).refRefreshEvery(refRefresh)
                .temperature(temperature).topP(topP).lr(lr).warmupSteps(warmup).steps(steps)
                .maxCompletionTokens(maxCompletion).microBatch(microBatch).gradClip(clip).biasUpdateSpeed(gamma)
                .checkpointEvery(checkpointEvery).sampleEvery(sampleEvery).seed(seed).adamBeta1(adamBeta1).adamBeta2(adamBeta2)
                .adamEpsilon(adamEpsilon).overlongMaxLength(overlongMax).overlongBuffer(overlongBuffer).repetitionNgram(repetitionNgram)
                .frozenDtype(frozenDtype.dtype()).tisCap(tisCap)
                .refillMaxGroups(refillMaxGroups)
                .importanceLevel(named(GrpoObjective.ImportanceLevel.class, "--importance-level", importanceLevel))
                .policyLoss(named(GrpoObjective.PolicyLoss.class, "--policy-loss", policyLoss)).asyncSteps(asyncSteps).build();
    }
}
