package r1j.rl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.generate.Completion;
import r1j.reward.Reflection;
import r1j.reward.Score;

/**
 * The metrics of a GRPO step ({@link GrpoStep}: rewards, zero-spread groups, KL and clip fractions, entropy of the
 * sampling distribution, reply lengths, the share of replies that reflect, the sampler/trainer log-prob agreement,
 * and the time of each phase), computed from its rollouts; and the samples written beside them.
 */
final class StepMetrics {
    private StepMetrics() {}

    /**
     * What a step's metrics watch beyond its rollouts: the rows of the task's hardest level (null: none), what the
     * rollouts' workers reported, whether zero-spread groups were left out of the loss (dynamic sampling), and how
     * many updates the rollouts' policy lags the trainer's (async_steps).
     */
    record Watch(java.util.function.Predicate<r1j.data.Datasets.Example> hardest, Map<String, Object> rolloutCost,
                 boolean dropsZeroSpread, int policyLag) {}

    /**
     * The step's metrics. times: the nanosecond clock at the start of collect, score, optimise and at the end;
     * watch: the hardest level's rows and the workers' report.
     */
    static GrpoStep of(int step, RolloutBatch batch, GrpoTrainer.Optimised u, float rate, long[] times, Watch watch) {
        double[][] r = batch.rewards();
        double sum = 0, sq = 0, entropy = 0;
        int n = 0, truncated = 0, reflect = 0, maxLen = 0, entropyTokens = 0;
        long tokens = 0;
        Map<String, double[]> perReward = new LinkedHashMap<>();
        Hardest hardest = new Hardest();
        for (int i = 0; i < r.length; i++) {
            List<Completion> cs = batch.groups().get(i).completions();
            boolean hard = watch.hardest() != null && watch.hardest().test(batch.groups().get(i).example());
            for (int g = 0; g < cs.size(); g++) {
                Completion cp = cs.get(g);
                if (hard) hardest.add(cp, batch.parts().get(i).get(g).get("accuracy"));
                sum += r[i][g];
                sq += r[i][g] * r[i][g];
                n++;
                tokens += cp.tokens().length;
                maxLen = Math.max(maxLen, cp.tokens().length);
                if (cp.finish() == Completion.Finish.LENGTH) truncated++;
                if (Reflection.in(cp.text())) reflect++;
                for (float lp : cp.sampleLogprobs()) {
                    entropy -= lp;
                    entropyTokens++;
                }
                for (Map.Entry<String, Score> e : batch.parts().get(i).get(g).entrySet()) {
                    perReward.computeIfAbsent(e.getKey(), k -> new double[1])[0] += e.getValue().value();
                }
            }
        }
        double mean = sum / n, collect = (times[1] - times[0]) / 1e9, update = (times[3] - times[2]) / 1e9;
        Map<String, Double> rewards = new LinkedHashMap<>();
        for (var e : perReward.entrySet()) rewards.put(e.getKey(), round(e.getValue()[0] / n));
        GrpoStep.Times t = new GrpoStep.Times(Math.round(tokens / collect), Math.round(u.tokens / update), round(collect),
                round((times[2] - times[1]) / 1e9), round(u.refSeconds), round(update - u.refSeconds), round((times[3] - times[0]) / 1e9));
        GrpoStep.Rewards rs = new GrpoStep.Rewards(round(mean), round(Math.sqrt(Math.max(0, sq / n - mean * mean))), rewards,
                round((double) batch.zeroSpreadGroups() / r.length), r.length, watch.dropsZeroSpread() ? batch.zeroSpreadGroups() : 0);
        GrpoStep.Policy policy = new GrpoStep.Policy(round(u.kl), round(u.clipLow), round(u.clipHigh),
                round(entropyTokens == 0 ? 0 : entropy / entropyTokens), u.logprobMaxDiff, round(u.tisMean()),
                watch.policyLag());
        GrpoStep.Replies replies = new GrpoStep.Replies(round((double) tokens / n), maxLen, round((double) reflect / n),
                round((double) truncated / n), hardest.figures());
        return new GrpoStep(step, rs, policy, replies, new GrpoStep.Update(round(u.gradNorm), rate, u.skipped), t, watch.rolloutCost());
    }

    /** The first completion of the first few prompts, with its rewards, for samples.jsonl and the report. */
    static List<Map<String, Object>> samples(int step, RolloutBatch batch, int prompts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(prompts, batch.groups().size()); i++) {
            RolloutBatch.Group g = batch.groups().get(i);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", step);
            s.put("prompt", g.example().prompt());
            s.put("answer", g.example().answer());
            s.put("completion", g.completions().get(0).text());
            s.put("reward", batch.rewards()[i][0]);
            Map<String, Object> rs = new LinkedHashMap<>();
            batch.parts().get(i).get(0).forEach((k, v) -> rs.put(k, v.value()));
            s.put("rewards", rs);
            out.add(s);
        }
        return out;
    }

    /**
     * Rollouts of the hardest level: their length, how many check themselves, and whether checking pays — the
     * accuracy of replies that check against those that do not (docs/world.md's level 5, issue 20's "aha").
     */
    static final class Hardest {
        int n, checked;
        long tokens;
        double rightChecked, rightUnchecked;

        void add(Completion c, Score accuracy) {
            n++;
            tokens += c.tokens().length;
            double right = accuracy == null ? 0 : accuracy.value();
            if (Reflection.in(c.text())) {
                checked++;
                rightChecked += right;
            } else {
                rightUnchecked += right;
            }
        }

        GrpoStep.Hardest figures() {
            if (n == 0) return null;
            return new GrpoStep.Hardest(round((double) tokens / n), round((double) checked / n),
                    checked > 0 ? round(rightChecked / checked) : null, checked < n ? round(rightUnchecked / (n - checked)) : null);
        }
    }

    private static double round(double x) {
        return Math.round(x * 1e5) / 1e5;
    }
}
