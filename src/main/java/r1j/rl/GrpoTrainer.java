package r1j.rl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.data.Datasets;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.io.AtomicFiles;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.model.Transformer;
import r1j.reward.Rewards;
import r1j.reward.Sample;
import r1j.reward.Score;
import r1j.tensor.AdamW;
import r1j.tensor.Grad;
import r1j.tensor.Seeds;
import r1j.tensor.Softmax;
import r1j.tensor.Tensor;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;
import r1j.train.LrSchedule;
import r1j.train.Progress;
import r1j.train.TrainingCheckpoint;

/**
 * GRPO (DeepSeekMath §4; DeepSeek-R1 §2.2) as R1-Zero runs it: each step takes B prompts, samples G completions of
 * each with the current policy (which is π_old), scores them with rule-based rewards, turns the rewards into
 * group-relative advantages, and runs μ passes of the clipped objective with a k3 KL penalty against a frozen
 * reference, in micro-batches, then AdamW. No critic. The sampler and the trainer are one engine: the log-probs the
 * sampler returns are π_old, and the largest difference from the trainer's recomputation is logged every step.
 */
public final class GrpoTrainer {
    public record Result(Path finalModel, int steps, double lastReward) {}

    private GrpoTrainer() {}

    /**
     * One sampled completion in the batch, with everything the update needs; its prompt is what follows the start
     * that every rollout shares (see {@link #update}).
     */
    private record Rollout(int[] prompt, Completion completion, double reward, Map<String, Score> parts, double advantage,
                           boolean masked) {}

    public static Result run(GrpoConfig c, Path base, Path data, Path out, long stopAfter, PrintStream console) throws IOException {
        Files.createDirectories(out);
        PrintStream log = r1j.train.RunLog.tee(console, out);
        TrainingCheckpoint.pinConfig(out, c, GrpoConfig.class, GrpoConfig::sameRunAs);
        List<Datasets.Example> prompts = new ArrayList<>();
        for (Datasets.Example e : Datasets.read(data, false).examples()) if (e.answer() != null) prompts.add(e);
        if (prompts.isEmpty()) throw new IllegalArgumentException(data + ": no prompt/answer rows");
        Path ckDir = out.resolve("checkpoints"), latest = TrainingCheckpoint.latest(ckDir);
        boolean resume = latest != null;
        Path from = resume ? latest : base;
        Transformer policy = Checkpoint.load(from, false);
        Transformer reference = Checkpoint.load(resume ? latest.resolve("reference") : base, false);
        Tokenizer tok = Tokenizer.load(from);
        AdamW opt = new AdamW(policy.trainable(), new AdamW.Config(0.9f, 0.99f, 1e-8f, c.weight_decay()));
        int step = 0;
        if (resume) {
            step = (int) TrainingCheckpoint.restore(from, policy, opt, log);
            log.printf("resuming GRPO from %s (step %d)%n", from, step);
        }
        for (String f : List.of("metrics.jsonl", "samples.jsonl")) TrainingCheckpoint.truncateMetrics(out.resolve(f), step);
        Templates template = Templates.parse(c.template());
        Rewards rewards = Rewards.parse(c.rewards(), c.reward_weights());
        int[] prefix = tok.encode(template.constantPrefix(), false);
        int eos = tok.eosId();
        LrSchedule lr = new LrSchedule(c.lr(), c.lr(), c.warmup_steps(), c.steps(), LrSchedule.Decay.CONSTANT);
        Progress progress = new Progress("grpo", c.steps(), log);
        int startStep = step;
        double lastReward = Double.NaN;
        while (step < c.steps() && (stopAfter <= 0 || step - startStep < stopAfter)) {
            Map<String, Object> row = step(c, step, policy, reference, opt, tok, template, rewards, prefix, eos, prompts,
                    lr.at(step), out);
            step++;
            lastReward = (double) row.get("reward_mean");
            row.put("step", step);
            TrainingCheckpoint.appendRow(out.resolve("metrics.jsonl"), row);
            progress.update(step, startStep, String.format("reward %.3f acc %.3f kl %.4f len %.0f | %.1f s/step",
                    row.get("reward_mean"), row.getOrDefault("accuracy", Double.NaN), row.get("kl"), row.get("length_mean"),
                    row.get("seconds")));
            if (c.ref_refresh_every() > 0 && step % c.ref_refresh_every() == 0) copyWeights(policy, reference);
            if (step % c.checkpoint_every() == 0 || step == c.steps()) TrainingCheckpoint.save(policy, opt, tok, ckDir, step, Map.of("reference", reference));
        }
        Path fin = out.resolve("final");
        if (step == c.steps()) {
            Checkpoint.save(policy, fin, DType.F32, Long.MAX_VALUE);
            tok.save(fin);
            r1j.report.Html.write(List.of(out), out.resolve("report.html"));
        }
        return new Result(step == c.steps() ? fin : null, step, lastReward);
    }

    /** One GRPO step; returns its metrics row. */
    private static Map<String, Object> step(GrpoConfig c, int step, Transformer policy, Transformer reference, AdamW opt,
                                            Tokenizer tok, Templates template, Rewards rewards, int[] prefix, int eos,
                                            List<Datasets.Example> prompts, float rate, Path out) throws IOException {
        long t0 = System.nanoTime();
        // 1. prompts of this step: a fixed permutation per epoch, so the position is a function of the step.
        List<Datasets.Example> batch = new ArrayList<>();
        List<int[]> promptIds = new ArrayList<>();
        List<Generator.Request> reqs = new ArrayList<>();
        for (int i = 0; i < c.prompts_per_step(); i++) {
            long pos = (long) step * c.prompts_per_step() + i;
            Datasets.Example e = prompts.get(permuted(pos, prompts.size(), c.seed()));
            batch.add(e);
            int[] ids = tok.encode(template.variablePart(e.prompt()), false);
            promptIds.add(ids);
            reqs.add(new Generator.Request(ids, Seeds.mix(c.seed(), step, i)));
        }
        // 2. rollouts with the current policy (π_old)
        Generator gen = new Generator(policy, tok, c.prompts_per_step() * c.group_size());
        SamplingParams sp = new SamplingParams(c.temperature(), c.top_p(), 0, 0f, 1f, c.max_completion_tokens(), List.of(), new int[] {eos});
        List<List<Completion>> comps = gen.generate(prefix, reqs, c.group_size(), sp, null);
        long t1 = System.nanoTime();
        // 3. rewards and group advantages
        double[][] r = new double[batch.size()][c.group_size()];
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Datasets.Example e = batch.get(i);
            Map<String, Object> meta = new LinkedHashMap<>(e.meta());
            for (int g = 0; g < c.group_size(); g++) samples.add(new Sample(e.prompt(), comps.get(i).get(g).text(), e.answer(), meta));
        }
        List<Rewards.Result> scored = rewards.scoreAll(samples);
        List<List<Map<String, Score>>> parts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            List<Map<String, Score>> ps = new ArrayList<>();
            for (int g = 0; g < c.group_size(); g++) {
                Rewards.Result res = scored.get(i * c.group_size() + g);
                r[i][g] = res.total();
                ps.add(res.parts());
            }
            parts.add(ps);
        }
        double[][] adv = Advantages.compute(r, c.advantage_scale());
        // Every rollout starts with the template's constant prefix: the update computes it once per micro-batch. Its last
        // token stays with each rollout, so a prompt is never empty and predicts the completion's first token.
        int[] shared = java.util.Arrays.copyOf(prefix, Math.max(0, prefix.length - 1));
        int[] tail = java.util.Arrays.copyOfRange(prefix, shared.length, prefix.length);
        List<Rollout> rollouts = new ArrayList<>();
        int zeroSpread = 0;
        for (int i = 0; i < batch.size(); i++) {
            boolean flat = Advantages.zeroSpread(r[i]);
            if (flat) zeroSpread++;
            if (flat && c.dynamic_sampling()) continue;
            for (int g = 0; g < c.group_size(); g++) {
                Completion cp = comps.get(i).get(g);
                boolean masked = c.mask_truncated() && cp.finish() == Completion.Finish.LENGTH;
                rollouts.add(new Rollout(concat(tail, promptIds.get(i)), cp, r[i][g], parts.get(i).get(g), adv[i][g], masked));
            }
        }
        long t2 = System.nanoTime();
        // 4. the update: μ passes over the rollouts in micro-batches
        Update u = update(c, shared, rollouts, policy, reference, opt, rate);
        long t3 = System.nanoTime();
        if (c.bias_update_speed() > 0) policy.updateRouterBiases(c.bias_update_speed());
        else policy.resetExpertLoads();
        reference.resetExpertLoads();
        // 5. metrics
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step + 1);
        double sum = 0, sq = 0;
        int n = 0, truncated = 0, reflect = 0, maxLen = 0;
        long tokens = 0;
        Map<String, double[]> perReward = new LinkedHashMap<>();
        double entropy = 0;
        int entropyTokens = 0;
        for (int i = 0; i < batch.size(); i++) {
            for (int g = 0; g < c.group_size(); g++) {
                Completion cp = comps.get(i).get(g);
                sum += r[i][g];
                sq += r[i][g] * r[i][g];
                n++;
                tokens += cp.tokens().length;
                maxLen = Math.max(maxLen, cp.tokens().length);
                if (cp.finish() == Completion.Finish.LENGTH) truncated++;
                if (r1j.reward.Reflection.in(cp.text())) reflect++;
                for (float lp : cp.sampleLogprobs()) {
                    entropy -= lp;
                    entropyTokens++;
                }
                for (var e : parts.get(i).get(g).entrySet()) perReward.computeIfAbsent(e.getKey(), k -> new double[1])[0] += e.getValue().value();
            }
        }
        double mean = sum / n;
        row.put("reward_mean", round(mean));
        row.put("reward_std", round(Math.sqrt(Math.max(0, sq / n - mean * mean))));
        for (var e : perReward.entrySet()) row.put(e.getKey(), round(e.getValue()[0] / n));
        row.put("zero_spread_groups", round((double) zeroSpread / batch.size()));
        row.put("kl", round(u.kl));
        row.put("clip_low", round(u.clipLow));
        row.put("clip_high", round(u.clipHigh));
        row.put("entropy", round(entropyTokens == 0 ? 0 : entropy / entropyTokens));
        row.put("length_mean", round((double) tokens / n));
        row.put("length_max", maxLen);
        row.put("reflection", round((double) reflect / n));
        row.put("truncated", round((double) truncated / n));
        row.put("logprob_max_diff", u.logprobMaxDiff);
        row.put("grad_norm", round(u.gradNorm));
        row.put("lr", rate);
        row.put("rollout_tokens_per_s", Math.round(tokens / ((t1 - t0) / 1e9)));
        row.put("update_tokens_per_s", Math.round(u.tokens / ((t3 - t2) / 1e9)));
        row.put("time_rollout", round((t1 - t0) / 1e9));
        row.put("time_reward", round((t2 - t1) / 1e9));
        row.put("time_reference", round(u.refSeconds));
        row.put("time_update", round((t3 - t2) / 1e9 - u.refSeconds));
        row.put("seconds", round((t3 - t0) / 1e9));
        if (c.sample_every() > 0 && (step + 1) % c.sample_every() == 0) {
            for (int i = 0; i < Math.min(2, batch.size()); i++) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", step + 1);
                s.put("prompt", batch.get(i).prompt());
                s.put("answer", batch.get(i).answer());
                s.put("completion", comps.get(i).get(0).text());
                s.put("reward", r[i][0]);
                Map<String, Object> rs = new LinkedHashMap<>();
                parts.get(i).get(0).forEach((k, v) -> rs.put(k, v.value()));
                s.put("rewards", rs);
                TrainingCheckpoint.appendRow(out.resolve("samples.jsonl"), s);
            }
        }
        return row;
    }

    private static final class Update {
        double kl, clipLow, clipHigh, gradNorm, refSeconds;
        float logprobMaxDiff;
        long tokens;
    }

    /**
     * μ passes of the objective over the rollouts, in micro-batches of rows [prompt ; completion] that all continue
     * the shared tokens ({@link Transformer#forward(int[], int[], int, int, int[])}: the template is computed once per
     * micro-batch, and the LM head runs only where a completion token is predicted).
     */
    private static Update update(GrpoConfig c, int[] shared, List<Rollout> rollouts, Transformer policy, Transformer reference,
                                 AdamW opt, float rate) {
        Update u = new Update();
        if (rollouts.isEmpty()) return u;
        int n = rollouts.size();
        int[] lens = new int[n];
        boolean[] masked = new boolean[n];
        for (int i = 0; i < n; i++) {
            lens[i] = rollouts.get(i).completion().tokens().length;
            masked[i] = rollouts.get(i).masked();
        }
        float[] w = GrpoObjective.weights(lens, masked, c.aggregation(), c.max_completion_tokens());
        // Weights of the completion tokens in rollout order; each micro-batch takes its slice.
        int[] wStart = new int[n + 1];
        for (int i = 0; i < n; i++) wStart[i + 1] = wStart[i] + lens[i];
        List<r1j.tensor.Tensor> params = policy.trainable();
        GrpoObjective.Config oc = new GrpoObjective.Config(c.eps_low(), c.eps_high(), c.beta());
        // Micro-batches of similar lengths: each is padded to its longest row, so grouping by length leaves less padding
        // to compute (the sum over micro-batches does not depend on their order).
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> rollouts.get(i).prompt().length + lens[i]));
        double klSum = 0, lowSum = 0, highSum = 0;
        int batches = 0;
        for (int pass = 0; pass < c.mu(); pass++) {
            for (Tensor p : params) p.zeroGrad();
            for (int m0 = 0; m0 < n; m0 += c.micro_batch()) {
                int m1 = Math.min(n, m0 + c.micro_batch()), mb = m1 - m0;
                int seq = 0, targets = 0;
                for (int r = m0; r < m1; r++) {
                    seq = Math.max(seq, rollouts.get(order[r]).prompt().length + lens[order[r]]);
                    targets += lens[order[r]];
                }
                int[] ids = new int[mb * seq], at = new int[targets], tok = new int[targets];
                float[] old = new float[targets], adv = new float[targets], wt = new float[targets];
                for (int r = m0, t = 0; r < m1; r++) {
                    int i = order[r];
                    Rollout ro = rollouts.get(i);
                    int row = (r - m0) * seq, pl = ro.prompt().length;
                    int[] ct = ro.completion().tokens();
                    System.arraycopy(ro.prompt(), 0, ids, row, pl);
                    System.arraycopy(ct, 0, ids, row + pl, ct.length);
                    if (pass == 0) u.tokens += shared.length + pl + ct.length;
                    for (int j = 0; j < ct.length; j++, t++) {
                        at[t] = row + pl - 1 + j;
                        tok[t] = ct[j];
                        old[t] = ro.completion().modelLogprobs()[j];
                        adv[t] = (float) ro.advantage();
                        wt[t] = w[wStart[i] + j];
                    }
                }
                float[] ref = new float[targets];
                if (c.beta() != 0) {
                    long r0 = System.nanoTime();
                    try (var g = Grad.noGrad()) {
                        Tensor lg = reference.forward(shared, ids, mb, seq, at);
                        System.arraycopy(Softmax.tokenLogProbs(lg, tok).data, 0, ref, 0, ref.length);
                    }
                    u.refSeconds += (System.nanoTime() - r0) / 1e9;
                }
                Tensor lp = Softmax.tokenLogProbs(policy.forward(shared, ids, mb, seq, at), tok);
                if (pass == 0) for (int k = 0; k < targets; k++) u.logprobMaxDiff = Math.max(u.logprobMaxDiff, Math.abs(lp.data[k] - old[k]));
                GrpoObjective.Result res = GrpoObjective.loss(lp, old, ref, adv, wt, oc);
                res.loss().backward();
                klSum += res.kl();
                lowSum += res.clipLow();
                highSum += res.clipHigh();
                batches++;
                res.loss().releaseGraph();
            }
            u.gradNorm = AdamW.clipGradNorm(params, c.grad_clip());
            opt.step(rate);
        }
        u.kl = klSum / Math.max(1, batches);
        u.clipLow = lowSum / Math.max(1, batches);
        u.clipHigh = highSum / Math.max(1, batches);
        return u;
    }

    /** The index of the pos-th prompt: a seeded permutation per pass over the data. */
    static int permuted(long pos, int n, long seed) {
        long epoch = pos / n;
        int at = (int) (pos % n);
        int[] perm = Seeds.permutation(n, Seeds.mix(seed, epoch, 77));
        return perm[at];
    }

    private static int[] concat(int[] a, int[] b) {
        int[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    private static void copyWeights(Transformer from, Transformer to) {
        for (var e : from.tensors().entrySet()) System.arraycopy(e.getValue().data, 0, to.tensors().get(e.getKey()).data, 0, e.getValue().numel());
    }

    private static double round(double x) {
        return Math.round(x * 1e5) / 1e5;
    }
}
