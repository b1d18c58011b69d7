package r1j.rl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one GRPO step measured (what TRL and verl log), typed: the listener of {@link GrpoTrainer} receives it, the
 * progress line prints it, and {@link #row()} is its line of metrics.jsonl (the keys the report reads).
 *
 * @param step the step just taken (from 1)
 * @param rewardMean the mean total reward over the step's completions
 * @param rewardStd their standard deviation
 * @param rewards each reward's mean, by the reward's name
 * @param zeroSpreadGroups the share of groups whose rewards are all equal (no advantage, no gradient)
 * @param kl the k3 estimate of KL(π‖π_ref) (DeepSeekMath eq. 4), averaged over micro-batches
 * @param clipLow the share of tokens whose ratio was clipped below 1 − ε_low
 * @param clipHigh the share clipped above 1 + ε_high
 * @param entropy the sampling distribution's entropy per token, estimated by −log p of the sampled tokens
 * @param lengthMean the mean completion length in tokens
 * @param lengthMax the longest completion
 * @param reflection the share of completions that check themselves ({@link r1j.reward.Reflection})
 * @param truncated the share cut at max_completion_tokens
 * @param hardest the figures of the task's hardest rows ({@link GrpoTrainer.Builder#hardest}; the world's level 5),
 *     or null when the step had none
 * @param logprobMaxDiff the largest |log π_old(sampler) − log π_old(trainer)| (0 when both are one engine)
 * @param gradNorm the global gradient norm before clipping
 * @param lr the learning rate of the step
 * @param skipped the AdamW step was skipped: its loss or gradient was not finite
 * @param times where the step's time went
 * @param rolloutCost what the rollouts' workers report (empty when sampled in this JVM)
 */
public record GrpoStep(int step, double rewardMean, double rewardStd, Map<String, Double> rewards, double zeroSpreadGroups,
                       double kl, double clipLow, double clipHigh, double entropy, double lengthMean, int lengthMax,
                       double reflection, double truncated, Hardest hardest, float logprobMaxDiff, double gradNorm, float lr,
                       boolean skipped, Times times, Map<String, Object> rolloutCost) implements r1j.train.StepMetrics {

    /**
     * The rollouts of the task's hardest rows (the world's level 5, where the R1 report's "aha" should show; written
     * as level5_* in metrics.jsonl): their length, the share that check themselves, and the accuracy of those that
     * check against those that do not (null: none).
     */
    public record Hardest(double length, double reflection, Double accuracyChecked, Double accuracyUnchecked) {}

    /** Throughput and seconds of each phase of the step. */
    public record Times(long rolloutTokensPerS, long updateTokensPerS, double rollout, double reward, double reference,
                       double update, double total) {}

    /** The accuracy reward's mean, or NaN when the run has none. */
    public double accuracy() {
        Double a = rewards.get("accuracy");
        return a == null ? Double.NaN : a;
    }

    @Override
    public String progress() {
        return String.format("reward %.3f acc %.3f kl %.4f len %.0f | %.1f s/step", rewardMean, accuracy(), kl, lengthMean, times.total());
    }

    /** The step's line of metrics.jsonl. */
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("reward_mean", rewardMean);
        row.put("reward_std", rewardStd);
        row.putAll(rewards);
        row.put("zero_spread_groups", zeroSpreadGroups);
        row.put("kl", kl);
        row.put("clip_low", clipLow);
        row.put("clip_high", clipHigh);
        row.put("entropy", entropy);
        row.put("length_mean", lengthMean);
        row.put("length_max", lengthMax);
        row.put("reflection", reflection);
        row.put("truncated", truncated);
        if (hardest != null) {
            row.put("level5_length", hardest.length());
            row.put("level5_reflection", hardest.reflection());
            if (hardest.accuracyChecked() != null) row.put("level5_accuracy_checked", hardest.accuracyChecked());
            if (hardest.accuracyUnchecked() != null) row.put("level5_accuracy_unchecked", hardest.accuracyUnchecked());
        }
        row.put("logprob_max_diff", logprobMaxDiff);
        row.put("grad_norm", gradNorm);
        row.put("lr", lr);
        row.put("rollout_tokens_per_s", times.rolloutTokensPerS());
        row.put("update_tokens_per_s", times.updateTokensPerS());
        row.put("time_rollout", times.rollout());
        row.put("time_reward", times.reward());
        row.put("time_reference", times.reference());
        row.put("time_update", times.update());
        row.put("seconds", times.total());
        if (skipped) row.put("skipped", true);
        row.putAll(rolloutCost);
        return row;
    }
}
