package r1j.rl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import r1j.data.Datasets;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.generate.Rollouts;
import r1j.model.Transformer;
import r1j.reward.Rewards;
import r1j.tensor.AdamW;
import r1j.tensor.FrozenDtype;
import r1j.tensor.Grad;
import r1j.tensor.Seeds;
import r1j.tensor.LowRank;
import r1j.tensor.Tensor;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;
import r1j.train.LrSchedule;
import r1j.train.OptimizerStep;
import r1j.train.Progress;
import r1j.train.TrainingLoop;
import r1j.train.TrainingRun;

/**
 * GRPO (DeepSeekMath §4; DeepSeek-R1 §2.2) as R1-Zero runs it. Each step: collect B prompts × G completions from the
 * current policy (which is π_old), score them with rule-based rewards, turn the rewards into group-relative
 * advantages, pack the rollouts into micro-batches, and optimise: μ passes of the clipped objective with a k3 KL
 * penalty against a frozen reference ({@link GrpoObjective}), then AdamW. No critic. The sampler and the trainer are
 * one engine: the log-probs the sampler returns are π_old, and the largest difference from the trainer's
 * recomputation is logged every step. The run folder is a {@link TrainingRun} (the reference is saved with each
 * checkpoint).
 */
public final class GrpoTrainer {
    /** The final model folder (null when stopped early), the steps done and the last step's mean reward. */
    public record Result(Path finalModel, int steps, double lastReward) {}

    /** Receives each step's metrics, on the training thread, after metrics.jsonl has its row. */
    @FunctionalInterface
    public interface Listener {
        void onStep(GrpoStep step);
    }

    /** Settings a resume may change: they change no result. */
    static final Set<String> MAY_CHANGE = Set.of("checkpoint_every", "sample_every", "gradient_checkpointing");

    /** The completions logged beside the metrics. */
    static final String SAMPLES = "samples.jsonl";

    private final GrpoConfig c;
    private final Rewards rewards;
    private final Iterable<Datasets.Example> prompts;
    private final Rollouts rollouts;
    private final Listener listener;
    private final PrintStream console;
    private final java.util.function.Predicate<Datasets.Example> hardest;

    private GrpoTrainer(Builder b) {
        this.rewards = b.rewards;
        this.c = b.rewards == null ? b.config : b.config.toBuilder().rewards(b.rewards.names()).rewardWeights(b.rewards.weightsText()).build();
        this.prompts = b.prompts;
        this.rollouts = b.rollouts;
        this.listener = b.listener;
        this.console = b.console;
        this.hardest = b.hardest;
    }

    /**
     * A GRPO job with these settings: the starting model is c.model(); the prompts are c.data() and the rewards
     * c.rewards() unless the builder is given its own.
     */
    public static Builder builder(GrpoConfig c) {
        return new Builder(c);
    }

    /**
     * Runs (or resumes) the job from c.model() on c.data(); stopAfter &gt; 0 stops this process after that many steps.
     */
    public static Result run(GrpoConfig c, Path out, long stopAfter, PrintStream console) throws IOException {
        return builder(c).console(console).build().train(out, stopAfter);
    }

    /**
     * The same with the rollouts sampled where rollouts says (null: in this JVM). The results do not depend on it:
     * the cluster's workers return the completions this JVM would sample.
     */
    public static Result run(GrpoConfig c, Path out, long stopAfter, PrintStream console, Rollouts rollouts) throws IOException {
        return builder(c).console(console).rollouts(rollouts).build().train(out, stopAfter);
    }

    /** What a GRPO job runs on, set by name; only the settings are required. */
    public static final class Builder {
        private final GrpoConfig config;
        private Rewards rewards;
        private Iterable<Datasets.Example> prompts;
        private Rollouts rollouts;
        private Listener listener = s -> {};
        private PrintStream console = System.err;
        private java.util.function.Predicate<Datasets.Example> hardest = r1j.data.World.HARDEST;

        private Builder(GrpoConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /**
         * The rewards, as Java objects (built-in ones, {@link r1j.reward.Reward#of} lambdas, reward models); their names
         * and weights replace the settings' rewards and reward_weights in config.json.
         */
        public Builder rewards(Rewards v) { rewards = v; return this; }
        /** The prompts (rows with a prompt and a reference answer) instead of the settings' data file. */
        public Builder prompts(Iterable<Datasets.Example> v) { prompts = v; return this; }
        /** Where rollouts are sampled (null: in this JVM; or a cluster's workers). */
        public Builder rollouts(Rollouts v) { rollouts = v; return this; }
        /** Receives each step's typed metrics. */
        public Builder listener(Listener v) { listener = java.util.Objects.requireNonNull(v, "listener"); return this; }
        /**
         * The rows of the task's hardest level, whose replies' length, self-checking and accuracy each step reports
         * (GrpoStep.hardest; the "aha" of R1 §2.2.4); null: none. The default is the world's level 5.
         */
        public Builder hardest(java.util.function.Predicate<Datasets.Example> v) { hardest = v; return this; }
        /** Where the progress lines go (they are also copied into the run folder's run.log). */
        public Builder console(PrintStream v) { console = java.util.Objects.requireNonNull(v, "console"); return this; }

        public GrpoTrainer build() {
            return new GrpoTrainer(this);
        }
    }

    /** The settings of this job (with the rewards it was given, if any, named in them). */
    public GrpoConfig config() {
        return c;
    }

    /** Runs (or resumes) the job in the run folder out, to its last step. */
    public Result train(Path out) throws IOException {
        return train(out, 0);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps (resume later). */
    public Result train(Path out, long stopAfter) throws IOException {
        if (c.model() == null || (c.data() == null && prompts == null)) {
            throw new IllegalArgumentException("grpo: a starting model and prompts are needed");
        }
        TrainingRun run = TrainingRun.open(out, c, GrpoConfig.defaults(), MAY_CHANGE, console);
        Path base = Path.of(c.model());
        PrintStream log = run.log();
        List<Datasets.Example> rows = new ArrayList<>();
        Iterable<Datasets.Example> source = prompts != null ? prompts : Datasets.read(Path.of(c.data()), false).examples();
        for (Datasets.Example e : source) if (e.answer() != null) rows.add(e);
        if (rows.isEmpty()) throw new IllegalArgumentException((prompts != null ? "the prompts" : c.data()) + ": no prompt/answer rows");
        Path latest = run.latestCheckpoint();
        Path from = latest != null ? latest : base;
        if (c.lora() != null && c.ref_refresh_every() > 0) {
            throw new IllegalArgumentException("a LoRA run's reference is its base without the adapter: ref_refresh_every must be 0");
        }
        Transformer policy = TrainingRun.trainee(base, latest, c.lora(), c.seed());
        policy.setGradientCheckpointing(c.gradient_checkpointing());
        // With LoRA the reference is the policy's own frozen base, its adapters switched off (no second copy); a
        // reference that is never refreshed stays 16-bit when the checkpoint is (a second model at half the memory).
        Path refDir = latest != null ? latest.resolve("reference") : base;
        Transformer reference = c.lora() != null ? policy
                : c.ref_refresh_every() > 0 ? Checkpoint.load(refDir, false) : Checkpoint.loadFrozen(refDir);
        if (rollouts != null && c.frozen_dtype() != FrozenDtype.STORED) {
            throw new IllegalArgumentException("frozen_dtype " + c.frozen_dtype().key() + ": 8-bit rollouts are sampled in "
                    + "this JVM only; a cluster's workers sample with the weights as stored (drop --frozen-dtype or the cluster)");
        }
        Tokenizer tok = Tokenizer.load(from);
        AdamW opt = new AdamW(policy.trainable(), c.adamW());
        int step = (int) run.resume(latest, policy.trainable(), opt, SAMPLES);
        PromptFormat template = PromptFormat.resolve(c.template(), from);
        Collect collect = new Collect(new RolloutBatch.Source(tok, template, tok.encode(template.constantPrefix(), false), rows),
                rollouts != null ? rollouts : Rollouts.local(tok, c.frozen_dtype()));
        PolicyUpdate update = new PolicyUpdate(c, policy, reference,
                new OptimizerStep(policy.trainable(), opt, new r1j.train.NumericGuard(log), c.grad_clip()));
        Rewards scoring = rewards != null ? rewards : Rewards.parse(c.rewards(), c.reward_weights(), c.shaping());
        LrSchedule lr = new LrSchedule(c.lr(), c.lr(), c.warmup_steps(), c.steps(), LrSchedule.Decay.CONSTANT);
        TrainingRun.Folder folder = c.lora() != null ? TrainingRun.adapterFolder(policy, tok, c.model()) : TrainingRun.modelFolder(policy, tok);
        Map<String, TrainingRun.Folder> extras = new java.util.LinkedHashMap<>();
        if (c.lora() == null) extras.put("reference", d -> Checkpoint.save(reference, d, DType.F32, Long.MAX_VALUE));
        AheadRollouts ahead = null;
        if (c.async_steps() > 0) {
            // N copies of the policy to sample from while it trains (the same architecture and frozen base, loaded again).
            List<Transformer> samplers = new ArrayList<>();
            for (int i = 0; i < c.async_steps(); i++) samplers.add(TrainingRun.trainee(base, latest, c.lora(), c.seed()));
            ahead = new AheadRollouts(samplers, (sampler, s) ->
                    new AheadRollouts.Sampled(collect.batch(sampler, s, c, scoring), s, collect.rollouts().lastCost()));
            if (latest != null) ahead.load(latest.resolve("rollouts"), rows, b -> b.score(scoring));
            AheadRollouts inFlight = ahead;
            extras.put("rollouts", d -> inFlight.save(d, rows));
        }
        TrainingLoop loop = new TrainingLoop(run, new Progress("grpo", c.steps(), log), c.steps(), c.checkpoint_every(),
                new TrainingLoop.Checkpoint(folder, extras, policy.trainable(), opt));
        double[] lastReward = {Double.NaN};
        AheadRollouts aheadOf = ahead;
        try (AheadRollouts closing = ahead) {
            step = (int) loop.run(step, stopAfter, new TrainingLoop.Job<GrpoStep>() {
                @Override
                public GrpoStep step(long s) throws IOException {
                    java.util.function.Supplier<AheadRollouts.Sampled> rollouts = aheadOf != null ? () -> aheadOf.take((int) s, policy, c.steps())
                            : () -> new AheadRollouts.Sampled(collect.batch(policy, (int) s, c, scoring), (int) s, collect.rollouts().lastCost());
                    GrpoStep m = GrpoTrainer.this.step((int) s, lr.at((int) s), rollouts, collect.source().prefix(), update, run);
                    lastReward[0] = m.rewardMean();
                    return m;
                }

                @Override
                public void afterStep(long done) {
                    if (c.ref_refresh_every() > 0 && done % c.ref_refresh_every() == 0) copyWeights(policy, reference);
                }
            }, listener::onStep);
        }
        Path fin = step == c.steps() ? run.finish(folder) : null;
        return new Result(fin, step, lastReward[0]);
    }

    /** What sampling a step's rollouts needs: the prompts and their template, and the sampler. */
    private record Collect(RolloutBatch.Source source, Rollouts rollouts) {
        /**
         * The step's scored rollouts: prompts_per_step groups, and with dynamic sampling REFILL further groups until
         * prompts_per_step of them have a reward spread or refill_max_groups extra ones were drawn. Each round draws
         * exactly the groups still missing, so the batch is a function of the step, whatever the rounds' timing.
         */
        RolloutBatch batch(Transformer policy, int step, GrpoConfig c, Rewards scoring) {
            RolloutBatch batch = RolloutBatch.collect(policy, source, step, c, rollouts);
            batch.score(scoring);
            if (c.dynamic_sampling() != DynamicSampling.REFILL) return batch;
            for (int drawn = 0; ; ) {
                int count = Math.min(c.prompts_per_step() - batch.spreadGroups(), c.refill_max_groups() - drawn);
                if (count <= 0) return batch;
                RolloutBatch more = RolloutBatch.refill(policy, source, step, c, rollouts, drawn, count);
                more.score(scoring);
                batch = batch.plus(more);
                drawn += count;
            }
        }
    }

    /**
     * One GRPO step: its scored rollouts (collected and scored now, or taken from those sampled ahead) → advantages →
     * pack (rows continue the template's prefix) → optimise; returns its metrics.
     */
    private GrpoStep step(int step, float rate, java.util.function.Supplier<AheadRollouts.Sampled> rollouts, int[] prefix,
                          PolicyUpdate update, TrainingRun run) throws IOException {
        long t0 = System.nanoTime();
        AheadRollouts.Sampled sampled = rollouts.get();
        RolloutBatch batch = sampled.batch();
        long t1 = System.nanoTime();
        batch.computeAdvantages(c.advantage_scale());
        RolloutBatch.Packed packed = batch.pack(prefix, c.micro_batch(), c.aggregation(), c.mask_truncated(), c.dynamic_sampling().drops(),
                c.max_completion_tokens());
        long t2 = System.nanoTime();
        Optimised u = update.optimise(packed, rate, Seeds.mix(c.seed(), step), step + 1);
        long t3 = System.nanoTime();
        if (c.bias_update_speed() > 0) update.policy().updateRouterBiases(c.bias_update_speed());
        else update.policy().resetExpertLoads();
        update.reference().resetExpertLoads();
        GrpoStep m = StepMetrics.of(step + 1, batch, u, rate, new long[] {t0, t1, t2, t3},
                new StepMetrics.Watch(hardest, sampled.cost(), c.dynamic_sampling().drops(), step - sampled.version()));
        if (c.sample_every() > 0 && (step + 1) % c.sample_every() == 0) {
            for (Map<String, Object> s : StepMetrics.samples(step + 1, batch, 2)) run.append(SAMPLES, s);
        }
        return m;
    }

    /** What the optimisation of one step measured. */
    static final class Optimised {
        double kl, clipLow, clipHigh, gradNorm, refSeconds;
        float logprobMaxDiff;
        /** The truncated importance weights' sum and count over the loss's tokens (none when rollouts are on-policy). */
        double tisSum;
        long tisTokens;
        long tokens;
        /** An AdamW step was skipped: its loss or gradients were not finite ({@link r1j.train.NumericGuard}). */
        boolean skipped;

        double tisMean() {
            return tisTokens == 0 ? 1 : tisSum / tisTokens;
        }
    }

    /** The optimiser's side of a step: the policy and its reference, AdamW and the guard against non-finite steps. */
    record PolicyUpdate(GrpoConfig c, Transformer policy, Transformer reference, OptimizerStep update) {
        /**
         * Optimise: μ passes of the objective over the packed micro-batches, each a forward of rows that continue the
         * shared prefix ({@link Transformer#forward(Transformer.Input, int[])}: the template is computed once per
         * micro-batch, and the LM head runs only where a completion token is predicted), gradients summed over the
         * micro-batches, then one clipped AdamW step per pass.
         */
        Optimised optimise(RolloutBatch.Packed packed, float rate, long dropoutSeed, long step) {
            Optimised u = new Optimised();
            if (packed.microBatches().isEmpty()) return u;
            GrpoObjective.Config oc = c.objective();
            double klSum = 0, lowSum = 0, highSum = 0, lossSum = 0;
            int batches = 0;
            // Rollouts sampled with other weights than the trainer's (8-bit, or an earlier policy: async_steps): π_old is
            // the trainer's policy as it is (this forward's, before the first update) and each token's loss carries the
            // truncated importance weight against the sampler's probabilities.
            boolean offPolicy = c.frozen_dtype() != FrozenDtype.STORED || c.async_steps() > 0;
            List<float[]> trainerOld = new ArrayList<>(), tisWeights = new ArrayList<>();
            for (int pass = 0; pass < c.mu(); pass++) {
                update.zeroGrad();
                int mbIndex = 0;
                for (RolloutBatch.MicroBatch m : packed.microBatches()) {
                    if (pass == 0) u.tokens += m.inputTokens();
                    float[] ref = new float[m.targets().tokens().length];
                    if (c.beta() != 0) {
                        long r0 = System.nanoTime();
                        try (var g = Grad.noGrad(); var base = LowRank.disabled()) {
                            Tensor lpRef = reference.tokenLogProbs(m.input(), m.targets());
                            System.arraycopy(lpRef.data, 0, ref, 0, ref.length);
                        }
                        u.refSeconds += (System.nanoTime() - r0) / 1e9;
                    }
                    LowRank.seedStep(Seeds.mix(dropoutSeed, pass, batches));
                    Tensor lp = policy.tokenLogProbs(m.input(), m.targets());
                    if (pass == 0) {
                        for (int k = 0; k < lp.data.length; k++) u.logprobMaxDiff = Math.max(u.logprobMaxDiff, Math.abs(lp.data[k] - m.oldLogprobs()[k]));
                    }
                    float[] old = m.oldLogprobs(), weights = m.weights();
                    if (offPolicy) {
                        if (pass == 0) {
                            float[] o = lp.data.clone(), tis = GrpoObjective.truncatedImportanceWeights(o, m.oldLogprobs(), c.tis_cap());
                            for (int k = 0; k < tis.length; k++) {
                                if (weights[k] == 0) continue;
                                u.tisSum += tis[k];
                                u.tisTokens++;
                                tis[k] *= weights[k];
                            }
                            trainerOld.add(o);
                            tisWeights.add(tis);
                        }
                        old = trainerOld.get(mbIndex);
                        weights = tisWeights.get(mbIndex);
                    }
                    mbIndex++;
                    GrpoObjective.Result res = GrpoObjective.loss(lp, new GrpoObjective.Tokens(old, ref, m.advantages(), weights, m.sequences()), oc);
                    res.loss().backward();
                    lossSum += res.loss().item();
                    klSum += res.kl();
                    lowSum += res.clipLow();
                    highSum += res.clipHigh();
                    batches++;
                    res.loss().releaseGraph();
                }
                OptimizerStep.Applied applied = update.apply(step, lossSum, rate);
                u.gradNorm = applied.gradNorm();
                u.skipped = !applied.updated();
            }
            u.kl = klSum / Math.max(1, batches);
            u.clipLow = lowSum / Math.max(1, batches);
            u.clipHigh = highSum / Math.max(1, batches);
            return u;
        }

    }

    private static void copyWeights(Transformer from, Transformer to) {
        for (var e : from.tensors().entrySet()) System.arraycopy(e.getValue().data, 0, to.tensors().get(e.getKey()).data, 0, e.getValue().numel());
    }
}
