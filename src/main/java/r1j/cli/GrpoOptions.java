package r1j.cli;

import picocli.CommandLine.Option;
import r1j.rl.Advantages;
import r1j.rl.GrpoConfig;
import r1j.rl.GrpoObjective;

/** The GRPO settings shared by `r1j grpo` and `r1j r1-zero`; defaults from world.md's calibration. */
public final class GrpoOptions {
    @Option(names = "--template", defaultValue = "r1-zero")
    String template;

    @Option(names = "--rewards", defaultValue = "accuracy,format")
    String rewards;

    @Option(names = "--weights", description = "Reward weights (default: 1 each, 0.1 for format).")
    String weights;

    @Option(names = {"-G", "--group-size"}, defaultValue = "8")
    int group;

    @Option(names = "--prompts-per-step", defaultValue = "16")
    int prompts;

    @Option(names = "--mu", defaultValue = "1", description = "Optimisation passes per batch.")
    int mu;

    @Option(names = "--eps-low", defaultValue = "0.2")
    float epsLow;

    @Option(names = "--eps-high", defaultValue = "0.2", description = "Above --eps-low: clip-higher (DAPO).")
    float epsHigh;

    @Option(names = "--beta", defaultValue = "0.02", description = "KL coefficient (0: no reference model).")
    float beta;

    @Option(names = "--advantage", defaultValue = "GROUP_STD_SAMPLE",
            description = "GROUP_STD_SAMPLE, GROUP_STD_POPULATION, BATCH_STD or NONE (Dr. GRPO).")
    Advantages.Scale scale;

    @Option(names = "--aggregation", defaultValue = "TOKEN_MEAN",
            description = "SEQUENCE_MEAN (DeepSeekMath), TOKEN_MEAN (DAPO) or CONSTANT (Dr. GRPO).")
    GrpoObjective.Aggregation aggregation;

    @Option(names = "--mask-truncated")
    boolean maskTruncated;

    @Option(names = "--dynamic-sampling", description = "Leave out groups whose rewards are all equal.")
    boolean dynamicSampling;

    @Option(names = "--ref-refresh-every", defaultValue = "0")
    int refRefresh;

    @Option(names = "--temperature", defaultValue = "1.0")
    float temperature;

    @Option(names = "--top-p", defaultValue = "1.0")
    float topP;

    @Option(names = "--lr", defaultValue = "1e-4")
    float lr;

    @Option(names = "--warmup", defaultValue = "10")
    int warmup;

    @Option(names = "--steps", defaultValue = "400")
    int steps;

    @Option(names = "--max-completion-tokens", defaultValue = "128")
    int maxCompletion;

    @Option(names = "--micro-batch", defaultValue = "8", description = "Rollouts per forward/backward pass (8: measured fastest on 2 cores, 'r1j grpo --steps 8' with 8, 16, 32).")
    int microBatch;

    @Option(names = "--grad-clip", defaultValue = "1.0")
    float clip;

    @Option(names = "--bias-update-speed", defaultValue = "0")
    float gamma;

    @Option(names = "--checkpoint-every", defaultValue = "50")
    int checkpointEvery;

    @Option(names = "--sample-every", defaultValue = "10")
    int sampleEvery;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    GrpoConfig config() {
        if (group < 2) throw new UserError("--group-size must be at least 2 (advantages are relative to the group)");
        if (prompts < 1 || steps < 1 || mu < 1 || microBatch < 1) throw new UserError("--prompts-per-step, --steps, --mu, --micro-batch must be positive");
        return new GrpoConfig(template, rewards, weights, group, prompts, mu, epsLow, epsHigh, beta, scale, aggregation,
                maskTruncated, dynamicSampling, refRefresh, temperature, topP, lr, warmup, steps, maxCompletion, microBatch,
                clip, 0f, gamma, checkpointEvery, sampleEvery, seed);
    }
}
