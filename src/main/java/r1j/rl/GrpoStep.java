package r1j.rl;

import java.util.LinkedHashMap;
import java.util.Map;
import r1j.train.StepMetrics;

/**
 * What one GRPO step measured (what TRL and verl log), typed and grouped: the listener of {@link GrpoTrainer}
 * receives it, the progress line prints it, and {@link #row()} is its line of metrics.jsonl (the keys the report reads).
 *
 * @param step the step just taken (from 1)
 * @param rewards the completions' rewards
 * @param policy how far the update moved the policy
 * @param replies the completions' lengths and behaviour
 * @param update the optimiser's step
 * @param times where the step's time went
 * @param rolloutCost what the rollouts' workers report (empty when sampled in this JVM)
 */
public record GrpoStep(int step, Rewards rewards, Policy policy, Replies replies, Update update, Times times,
                       Map<String, Object> rolloutCost) implements StepMetrics {

    /**
     * @param mean the mean total reward over the step's completions
     * @param std their standard deviation
     * @param parts each reward's mean, by the reward's name
     * @param zeroSpreadGroups the share of groups whose rewards are all equal (no advantage, no gradient)
     * @param groupsDrawn the groups sampled (prompts_per_step, more when dynamic sampling refills)
     * @param groupsDropped the zero-spread groups left out of the loss (dynamic sampling; 0 when off)
     */
    public record Rewards(double mean, double std, Map<String, Double> parts, double zeroSpreadGroups, int groupsDrawn,
                          int groupsDropped) {}

    /**
     * @param kl the k3 estimate of KL(π‖π_ref) (DeepSeekMath eq. 4), averaged over micro-batches
     * @param clipLow the share of tokens whose ratio was clipped below 1 − ε_low
     * @param clipHigh the share clipped above 1 + ε_high
     * @param entropy the sampling distribution's entropy per token, estimated by −log p of the sampled tokens
     * @param logprobMaxDiff the largest |log π_old(sampler) − log π_old(trainer)| (0 when both are one engine)
     * @param tisMean the mean truncated importance weight over the loss's tokens (1 when rollouts are the trainer's
     *                exact policy and no weight applies; GrpoObjective#truncatedImportanceWeights)
     * @param lag the updates between the policy the rollouts were sampled from and the trainer's (0 on-policy; up to
     *            async_steps)
     */
    public record Policy(double kl, double clipLow, double clipHigh, double entropy, float logprobMaxDiff, double tisMean,
                         int lag) {}

    /**
     * @param lengthMean the mean completion length in tokens
     * @param lengthMax the longest completion
     * @param reflection the share of completions that check themselves ({@link r1j.reward.Reflection})
     * @param truncated the share cut at max_completion_tokens
     * @param hardest the figures of the task's hardest rows ({@link GrpoTrainer.Builder#hardest}; the world's level 5),
     *     or null when the step had none
     */
    public record Replies(double lengthMean, int lengthMax, double reflection, double truncated, Hardest hardest) {}

    /**
     * The rollouts of the task's hardest rows (the world's level 5, where the R1 report's "aha" should show; written
     * as level5_* in metrics.jsonl): their length, the share that check themselves, and the accuracy of those that
     * check against those that do not (null: none).
     */
    public record Hardest(double length, double reflection, Double accuracyChecked, Double accuracyUnchecked) {}

    /**
     * @param gradNorm the global gradient norm before clipping
     * @param lr the learning rate of the step
     * @param skipped the AdamW step was skipped: its loss or gradient was not finite
     */
    public record Update(double gradNorm, float lr, boolean skipped) {}

    /** Throughput and seconds of each phase of the step. */
    public record Times(long rolloutTokensPerS, long updateTokensPerS, double rollout, double reward, double reference,
                       double update, double total) {}

    /** The mean total reward. */
    public double rewardMean() {
        return rewards.mean();
    }

    /** The accuracy reward's mean, or NaN when the run has none. */
    public double accuracy() {
        Double a = rewards.parts().get("accuracy");
        return a == null ? Double.NaN : a;
    }

    /** The KL estimate to the reference. */
    public double kl() {
        return policy.kl();
    }

    @Override
    public String progress() {
        return String.format("reward %.3f acc %.3f kl %.4f len %.0f | %.1f s/step", rewards.mean(), accuracy(), policy.kl(),
                replies.lengthMean(), times.total());
    }

    /** The step's line of metrics.jsonl. */
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("reward_mean", rewards.mean());
        row.put("reward_std", rewards.std());
        row.putAll(rewards.parts());
        row.put("zero_spread_groups", rewards.zeroSpreadGroups());
        row.put("groups_drawn", rewards.groupsDrawn());
        row.put("groups_dropped", rewards.groupsDropped());
        row.put("kl", policy.kl());
        row.put("clip_low", policy.clipLow());
        row.put("clip_high", policy.clipHigh());
        row.put("entropy", policy.entropy());
        row.put("length_mean", replies.lengthMean());
        row.put("length_max", replies.lengthMax());
        row.put("reflection", replies.reflection());
        row.put("truncated", replies.truncated());
        Hardest hardest = replies.hardest();
        if (hardest != null) {
            row.put("level5_length", hardest.length());
            row.put("level5_reflection", hardest.reflection());
            if (hardest.accuracyChecked() != null) row.put("level5_accuracy_checked", hardest.accuracyChecked());
            if (hardest.accuracyUnchecked() != null) row.put("level5_accuracy_unchecked", hardest.accuracyUnchecked());
        }
        row.put("logprob_max_diff", policy.logprobMaxDiff());
        row.put("tis_mean", policy.tisMean());
        row.put("policy_lag", policy.lag());
        row.put("grad_norm", update.gradNorm());
        row.put("lr", update.lr());
        row.put("rollout_tokens_per_s", times.rolloutTokensPerS());
        row.put("update_tokens_per_s", times.updateTokensPerS());
        row.put("time_rollout", times.rollout());
        row.put("time_reward", times.reward());
        row.put("time_reference", times.reference());
        row.put("time_update", times.update());
        row.put("seconds", times.total());
        if (update.skipped()) row.put("skipped", true);
        row.putAll(rolloutCost);
        return row;
    }
}
