package r1j.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.data.Datasets;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.generate.Rollouts;
import r1j.model.Transformer;
import r1j.reward.Rewards;
import r1j.reward.Sample;
import r1j.reward.Score;
import r1j.tensor.Seeds;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;

/**
 * One GRPO step's rollouts (DeepSeekMath §4.1.2): for each of B prompts a group of G completions sampled from the
 * current policy π_old, their rewards r_i, and the group-relative advantages Â_i = (r_i − mean(r)) / std(r). It packs
 * itself into the micro-batches the update runs on.
 *
 * <p>Every prompt starts with the template's constant part. The packing keeps all of it but its last token as the
 * shared prefix that each micro-batch computes once; the last token stays with each row, so no row is empty and its
 * first target is the completion's first token.
 */
public final class RolloutBatch {
    /** One prompt of the step (its variable part, as token ids) and its G completions. */
    public record Group(Datasets.Example example, int[] prompt, List<Completion> completions) {}

    /**
     * Rows [tail of the template ; prompt ; completion] of one forward pass, right-padded to seq; targets are the
     * completion tokens: target t is tokens[t] predicted at flat position at[t], with π_old's log-prob, the rollout's
     * advantage and its weight in the aggregated objective; sequences[r] is where row r's targets start (from 0 to the
     * number of targets: GSPO's sequence ratios).
     */
    public record MicroBatch(Transformer.Input input, Transformer.Targets targets, float[] oldLogprobs, float[] advantages,
                             float[] weights, int[] sequences, long inputTokens) {}

    /** Where a step's prompts come from: the rows, the template they are written in, and its constant prefix as tokens. */
    public record Source(Tokenizer tok, PromptFormat template, int[] prefix, List<Datasets.Example> prompts) {}

    /** The micro-batches of a step and the prefix they all continue. */
    public record Packed(int[] shared, List<MicroBatch> microBatches) {}

    private final List<Group> groups;
    private double[][] rewards;
    private List<List<Map<String, Score>>> parts;
    private double[][] advantages;

    public RolloutBatch(List<Group> groups) {
        this.groups = List.copyOf(groups);
    }

    /**
     * Collect: the prompts of this step (a seeded permutation per pass over the data, so the prompts are a function of
     * the step) and G completions of each from the policy, which is π_old.
     */
    public static RolloutBatch collect(Transformer policy, Source source, int step, GrpoConfig c) {
        return collect(policy, source, step, c, Rollouts.local(source.tok()));
    }

    /** The same, sampled where rollouts says (this JVM, or the cluster's workers). */
    public static RolloutBatch collect(Transformer policy, Source source, int step, GrpoConfig c, Rollouts rollouts) {
        List<Datasets.Example> prompts = source.prompts();
        List<Draw> draws = new ArrayList<>();
        for (int i = 0; i < c.prompts_per_step(); i++) {
            long pos = (long) step * c.prompts_per_step() + i;
            draws.add(new Draw(prompts.get(permuted(pos, prompts.size(), c.seed())), Seeds.mix(c.seed(), step, i)));
        }
        return sample(policy, source, step, c, rollouts, draws);
    }

    /**
     * Further groups for dynamic sampling's refill ({@link DynamicSampling#REFILL}): the step's extra draws from..from +
     * count − 1, each a prompt of a seeded permutation of the data of its own (so the main batches' prompts, and a
     * resumed run's, do not depend on how many extras earlier steps drew) and its own seed.
     */
    public static RolloutBatch refill(Transformer policy, Source source, int step, GrpoConfig c, Rollouts rollouts, int from, int count) {
        List<Datasets.Example> prompts = source.prompts();
        int[] perm = Seeds.permutation(prompts.size(), Seeds.mix(c.seed(), step, REFILL));
        List<Draw> draws = new ArrayList<>();
        for (int j = from; j < from + count; j++) {
            draws.add(new Draw(prompts.get(perm[j % perm.length]), Seeds.mix(c.seed(), step, REFILL, j)));
        }
        return sample(policy, source, step, c, rollouts, draws);
    }

    /** Salts the refill's stream apart from the step's main draws. */
    private static final long REFILL = 0x5EF111L;

    /** One prompt to sample a group for, and the seed of its request. */
    private record Draw(Datasets.Example example, long seed) {}

    private static RolloutBatch sample(Transformer policy, Source source, int step, GrpoConfig c, Rollouts rollouts, List<Draw> draws) {
        Tokenizer tok = source.tok();
        PromptFormat template = source.template();
        List<int[]> ids = new ArrayList<>();
        List<Generator.Request> reqs = new ArrayList<>();
        for (Draw d : draws) {
            int[] p = tok.encode(template.variablePart(d.example().prompt()), false);
            ids.add(p);
            reqs.add(new Generator.Request(p, d.seed()));
        }
        SamplingParams sp = SamplingParams.sample(c.temperature(), c.top_p(), c.max_completion_tokens(),
                r1j.generate.GenerationConfig.stopTokensOf(policy, tok));
        List<List<Completion>> comps = rollouts.generate(policy, step, source.prefix(), reqs, c.group_size(), sp);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < draws.size(); i++) groups.add(new Group(draws.get(i).example(), ids.get(i), comps.get(i)));
        return new RolloutBatch(groups);
    }

    /** This scored batch followed by another scored one (a refill's groups). */
    public RolloutBatch plus(RolloutBatch more) {
        if (rewards == null || more.rewards == null) throw new IllegalStateException("score both batches before joining them");
        List<Group> gs = new ArrayList<>(groups);
        gs.addAll(more.groups);
        RolloutBatch b = new RolloutBatch(gs);
        b.rewards = java.util.stream.Stream.concat(Arrays.stream(rewards), Arrays.stream(more.rewards)).toArray(double[][]::new);
        b.parts = new ArrayList<>(parts);
        b.parts.addAll(more.parts);
        return b;
    }

    /** Score: every completion's rewards, weighted and summed, with each reward's part. */
    public void score(Rewards rw) {
        List<Sample> samples = new ArrayList<>();
        for (Group g : groups) {
            Map<String, Object> meta = new LinkedHashMap<>(g.example().meta());
            for (Completion cp : g.completions()) samples.add(new Sample(g.example().prompt(), cp.text(), g.example().answer(), meta));
        }
        List<Rewards.Result> scored = rw.scoreAll(samples);
        rewards = new double[groups.size()][];
        parts = new ArrayList<>();
        for (int i = 0, k = 0; i < groups.size(); i++) {
            int n = groups.get(i).completions().size();
            rewards[i] = new double[n];
            List<Map<String, Score>> ps = new ArrayList<>();
            for (int g = 0; g < n; g++, k++) {
                rewards[i][g] = scored.get(k).total();
                ps.add(scored.get(k).parts());
            }
            parts.add(ps);
        }
    }

    /** Rewards given directly (a test, or a scorer outside {@link Rewards}): rewards[group][completion]. */
    public void setRewards(double[][] r) {
        rewards = r;
        parts = new ArrayList<>();
        for (double[] g : r) {
            List<Map<String, Score>> ps = new ArrayList<>();
            for (int i = 0; i < g.length; i++) ps.add(Map.of());
            parts.add(ps);
        }
    }

    /** Advantages: each reward against its group's (Advantages, eq. 3 of DeepSeekMath §4.1.2). */
    public void computeAdvantages(Advantages.Scale scale) {
        advantages = Advantages.compute(rewards, scale);
    }

    /**
     * Pack: the rollouts into micro-batches of up to microBatch rows. Rows are sorted by length first (each micro-batch
     * is padded to its longest row, and the sum over micro-batches does not depend on their order). A truncated
     * completion gets weight 0 with maskTruncated; with dynamicSampling (DAPO) a group whose rewards are all equal
     * is left out, since its advantages are all 0.
     */
    public Packed pack(int[] prefix, int microBatch, GrpoObjective.Aggregation aggregation, boolean maskTruncated,
                       boolean dynamicSampling, int maxCompletionTokens) {
        int[] shared = Arrays.copyOf(prefix, Math.max(0, prefix.length - 1));
        int[] tail = Arrays.copyOfRange(prefix, shared.length, prefix.length);
        List<int[]> rowPrompt = new ArrayList<>();
        List<Completion> rowCompletion = new ArrayList<>();
        List<Double> rowAdvantage = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (dynamicSampling && Advantages.zeroSpread(rewards[i])) continue;
            Group g = groups.get(i);
            int[] p = Arrays.copyOf(tail, tail.length + g.prompt().length);
            System.arraycopy(g.prompt(), 0, p, tail.length, g.prompt().length);
            for (int j = 0; j < g.completions().size(); j++) {
                rowPrompt.add(p);
                rowCompletion.add(g.completions().get(j));
                rowAdvantage.add(advantages[i][j]);
            }
        }
        int n = rowPrompt.size();
        int[] lens = new int[n];
        boolean[] masked = new boolean[n];
        for (int i = 0; i < n; i++) {
            lens[i] = rowCompletion.get(i).tokens().length;
            masked[i] = maskTruncated && rowCompletion.get(i).finish() == Completion.Finish.LENGTH;
        }
        float[] w = GrpoObjective.weights(lens, masked, aggregation, maxCompletionTokens);
        int[] wStart = new int[n + 1];
        for (int i = 0; i < n; i++) wStart[i + 1] = wStart[i] + lens[i];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> rowPrompt.get(i).length + lens[i]));
        List<MicroBatch> out = new ArrayList<>();
        for (int m0 = 0; m0 < n; m0 += microBatch) {
            int m1 = Math.min(n, m0 + microBatch), mb = m1 - m0;
            int seq = 0, targets = 0;
            for (int r = m0; r < m1; r++) {
                seq = Math.max(seq, rowPrompt.get(order[r]).length + lens[order[r]]);
                targets += lens[order[r]];
            }
            int[] ids = new int[mb * seq], at = new int[targets], tok = new int[targets];
            float[] old = new float[targets], adv = new float[targets], wt = new float[targets];
            int[] sequences = new int[mb + 1];
            long input = 0;
            for (int r = m0, t = 0; r < m1; r++) {
                int i = order[r];
                sequences[r - m0] = t;
                int[] p = rowPrompt.get(i), ct = rowCompletion.get(i).tokens();
                int row = (r - m0) * seq;
                System.arraycopy(p, 0, ids, row, p.length);
                System.arraycopy(ct, 0, ids, row + p.length, ct.length);
                input += shared.length + p.length + ct.length;
                for (int j = 0; j < ct.length; j++, t++) {
                    at[t] = row + p.length - 1 + j;
                    tok[t] = ct[j];
                    old[t] = rowCompletion.get(i).modelLogprobs()[j];
                    adv[t] = (float) (double) rowAdvantage.get(i);
                    wt[t] = w[wStart[i] + j];
                }
            }
            sequences[mb] = targets;
            out.add(new MicroBatch(new Transformer.Input(shared, ids, mb, seq), new Transformer.Targets(at, tok), old, adv, wt, sequences, input));
        }
        return new Packed(shared, out);
    }

    public List<Group> groups() {
        return groups;
    }

    public double[][] rewards() {
        return rewards;
    }

    public double[][] advantages() {
        return advantages;
    }

    public List<List<Map<String, Score>>> parts() {
        return parts;
    }

    /** Groups whose rewards differ: the ones that carry a gradient. */
    public int spreadGroups() {
        return groups.size() - zeroSpreadGroups();
    }

    /** Groups whose rewards are all equal: their advantages are 0, so they teach nothing. */
    public int zeroSpreadGroups() {
        int z = 0;
        for (double[] r : rewards) if (Advantages.zeroSpread(r)) z++;
        return z;
    }

    /** The index of the pos-th prompt: a seeded permutation per pass over the data. */
    static int permuted(long pos, int n, long seed) {
        long epoch = pos / n;
        int at = (int) (pos % n);
        int[] perm = Seeds.permutation(n, Seeds.mix(seed, epoch, 77));
        return perm[at];
    }
}
