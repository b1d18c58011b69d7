package r1j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import r1j.data.Jsonl;
import r1j.reward.RewardModel;
import r1j.reward.Segment;
import r1j.tensor.AdamW;
import r1j.tensor.Elementwise;
import r1j.tensor.Grad;
import r1j.tensor.Reduce;
import r1j.tensor.Rows;
import r1j.tensor.Seeds;
import r1j.tensor.Tensor;

/**
 * Reward-model training on preference pairs with the Bradley–Terry loss (InstructGPT eq. 1):
 * loss = −mean log σ(r(x, y_chosen) − r(x, y_rejected)). Every held_out_every-th pair (10th) is held out; the accuracy on held-out pairs
 * (chosen scored above rejected) is the figure to report. The run folder holds config.json, metrics.jsonl, the model
 * (final/, written atomically at the end) and report.html.
 */
public final class RewardModelTrainer {
    /**
     * Every setting of a reward-model run, written to the run folder's config.json under the component names. Built
     * by name ({@link #builder()}, {@link #toBuilder()}); each default is defined once, in {@link Builder}: the
     * pipeline's reward-model settings (its stages raise the epochs for small sets). The learning rate warms up over
     * warmup_steps and decays by cosine to min_lr (by default min(20, steps / 10) steps, and a tenth of lr).
     */
    public record Config(String model, String data, String name, String segment, int epochs, int batch_pairs, float lr,
                         float weight_decay, float grad_clip, int checkpoint_every, long seed, int held_out_every,
                         int eval_every, float adam_beta1, float adam_beta2, float adam_epsilon, Float min_lr,
                         Integer warmup_steps) {
        public Config {
            if (held_out_every < 0) throw new IllegalArgumentException("rm: held_out_every must be ≥ 0, got " + held_out_every);
        }

        public static Config defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings, to change some by name. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** The optimiser these settings describe. */
        public AdamW.Config adamW() {
            return new AdamW.Config(adam_beta1, adam_beta2, adam_epsilon, weight_decay);
        }

        /** Whether the i-th pair (from 0) of the data is held out for the accuracy to report. */
        public boolean heldOut(int i) {
            return held_out_every > 0 && i % held_out_every == held_out_every - 1;
        }

        /** A reward model's settings by name; a field's initial value is its default. */
        public static final class Builder {
            private String model;
            private String data;
            private String name = "helpfulness";
            private String segment = "all";
            private int epochs = 2;
            private int batch_pairs = 16;
            private float lr = 3e-4f;
            private float weight_decay;
            private float grad_clip = 1f;
            private int checkpoint_every = 100;
            private long seed = 1;
            private int held_out_every = 10;
            private int eval_every = 50;
            private float adam_beta1 = AdamW.Config.defaults().beta1();
            private float adam_beta2 = AdamW.Config.defaults().beta2();
            private float adam_epsilon = AdamW.Config.defaults().eps();
            private Float min_lr;
            private Integer warmup_steps;

            private Builder() {}

            private Builder(Config c) {
                model = c.model; data = c.data; name = c.name; segment = c.segment; epochs = c.epochs;
                batch_pairs = c.batch_pairs; lr = c.lr; weight_decay = c.weight_decay; grad_clip = c.grad_clip;
                checkpoint_every = c.checkpoint_every; seed = c.seed; held_out_every = c.held_out_every;
                eval_every = c.eval_every; adam_beta1 = c.adam_beta1; adam_beta2 = c.adam_beta2; adam_epsilon = c.adam_epsilon;
                min_lr = c.min_lr; warmup_steps = c.warmup_steps;
            }

            public Config build() {
                return new Config(model, data, name, segment, epochs, batch_pairs, lr, weight_decay, grad_clip,
                        checkpoint_every, seed, held_out_every, eval_every, adam_beta1, adam_beta2, adam_epsilon, min_lr, warmup_steps);
            }

            /** The backbone: a model folder whose last hidden state the scalar head reads. */
            public Builder model(String v) { model = v; return this; }
            public Builder model(Path v) { return model(v.toAbsolutePath().toString()); }
            /** The preference pairs: JSONL of prompt, chosen, rejected. */
            public Builder data(String v) { data = v; return this; }
            public Builder data(Path v) { return data(v.toAbsolutePath().toString()); }
            /** The reward's name (helpfulness, harmlessness; R1 §2.3.4). */
            public Builder name(String v) { name = v; return this; }
            /** Which part of a reply it scores: all, or the summary after the reasoning (R1 §2.3.4). */
            public Builder segment(String v) { segment = v; return this; }
            /** Passes over the training pairs. */
            public Builder epochs(int v) { epochs = v; return this; }
            /** Pairs per step. */
            public Builder batchPairs(int v) { batch_pairs = v; return this; }
            /** Peak learning rate. */
            public Builder lr(float v) { lr = v; return this; }
            /** AdamW's decoupled weight decay. */
            public Builder weightDecay(float v) { weight_decay = v; return this; }
            /** Global gradient-norm clipping. */
            public Builder gradClip(float v) { grad_clip = v; return this; }
            /** Steps between checkpoints. */
            public Builder checkpointEvery(int v) { checkpoint_every = v; return this; }
            /** The run's seed: the head's initialisation and the order of the pairs follow from it. */
            public Builder seed(long v) { seed = v; return this; }
            /** Every n-th pair is held out for the accuracy to report (0: none). */
            public Builder heldOutEvery(int v) { held_out_every = v; return this; }
            /** Steps between held-out accuracies in metrics.jsonl. */
            public Builder evalEvery(int v) { eval_every = v; return this; }
            /** AdamW's β1. */
            public Builder adamBeta1(float v) { adam_beta1 = v; return this; }
            /** AdamW's β2. */
            public Builder adamBeta2(float v) { adam_beta2 = v; return this; }
            /** AdamW's ε. */
            public Builder adamEpsilon(float v) { adam_epsilon = v; return this; }
            /** The learning rate at the end of the cosine decay (null: a tenth of lr). */
            public Builder minLr(Float v) { min_lr = v; return this; }
            /** Steps of linear warm-up (null: a tenth of the steps, at most 20). */
            public Builder warmupSteps(Integer v) { warmup_steps = v; return this; }
        }

        /** The learning-rate schedule of a run of this many steps. */
        LrSchedule schedule(int steps) {
            return new LrSchedule(lr, min_lr != null ? min_lr : lr / 10, warmup_steps != null ? warmup_steps : Math.min(20, steps / 10),
                    steps, LrSchedule.Decay.COSINE);
        }
    }

    /** Settings a resume may change: they change no result. */
    static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("checkpoint_every");

    /** The final reward model (null when stopped early) and its accuracy on the training and held-out pairs. */
    public record Result(Path finalModel, double trainAccuracy, double heldOutAccuracy, int heldOutPairs) {}

    /** One pair: the prompt, and the chosen and rejected replies. */
    public record Pair(String prompt, String chosen, String rejected) {}


    public static List<Pair> read(Path file) throws IOException {
        List<Pair> out = new ArrayList<>();
        for (Jsonl.Row r : Jsonl.read(file)) {
            for (String f : List.of("prompt", "chosen", "rejected")) {
                if (r.field(f) == null || !r.field(f).isTextual()) throw r.error("missing or non-string field '" + f + "'");
            }
            out.add(new Pair(r.field("prompt").asText(), r.field("chosen").asText(), r.field("rejected").asText()));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + ": no preference pairs");
        return out;
    }

    private final Config c;
    private final List<Pair> pairs;
    private final java.util.function.Consumer<? super RewardModelStep> listener;
    private final PrintStream console;

    private RewardModelTrainer(Builder b) {
        this.c = b.config;
        this.pairs = b.pairs;
        this.listener = b.listener;
        this.console = b.console;
    }

    /** A reward-model job with these settings: the backbone is c.model(); the pairs are c.data() unless given. */
    public static Builder builder(Config c) {
        return new Builder(c);
    }

    public static Result run(Config c, Path out, PrintStream console) throws IOException {
        return run(c, out, 0, console);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps. */
    public static Result run(Config c, Path out, long stopAfter, PrintStream console) throws IOException {
        return builder(c).console(console).build().train(out, stopAfter);
    }

    /** The same, handing each step's metrics to listener (on the training thread, after metrics.jsonl has its row). */
    public static Result run(Config c, Path out, long stopAfter, PrintStream console,
                             java.util.function.Consumer<? super RewardModelStep> listener) throws IOException {
        return builder(c).console(console).listener(listener).build().train(out, stopAfter);
    }

    /** What a reward-model job runs on, set by name; only the settings are required. */
    public static final class Builder {
        private final Config config;
        private List<Pair> pairs;
        private java.util.function.Consumer<? super RewardModelStep> listener = m -> {};
        private PrintStream console = System.err;

        private Builder(Config config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /** The preference pairs instead of the settings' data file. */
        public Builder pairs(List<Pair> v) { pairs = List.copyOf(v); return this; }
        /** Receives each step's typed metrics. */
        public Builder listener(java.util.function.Consumer<? super RewardModelStep> v) { listener = java.util.Objects.requireNonNull(v); return this; }
        /** Where the progress lines go (they are also copied into the run folder's run.log). */
        public Builder console(PrintStream v) { console = java.util.Objects.requireNonNull(v); return this; }

        public RewardModelTrainer build() {
            return new RewardModelTrainer(this);
        }
    }

    /** Runs (or resumes) the job in the run folder out, to its last step. */
    public Result train(Path out) throws IOException {
        return train(out, 0);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps. */
    public Result train(Path out, long stopAfter) throws IOException {
        if (c.model() == null || (c.data() == null && pairs == null)) throw new IllegalArgumentException("rm: a backbone and pairs are needed");
        TrainingRun run = TrainingRun.open(out, c, Config.defaults(), MAY_CHANGE, console);
        PrintStream log = run.log();
        List<Pair> all = pairs != null ? pairs : read(Path.of(c.data()));
        if (all.isEmpty()) throw new IllegalArgumentException("rm: no preference pairs");
        List<Pair> train = new ArrayList<>(), heldOut = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) (c.heldOut(i) ? heldOut : train).add(all.get(i));
        Segment seg = Segment.valueOf(c.segment().toUpperCase(java.util.Locale.ROOT));
        Path latest = run.latestCheckpoint();
        RewardModel rm = latest != null ? RewardModel.load(c.name(), latest, seg) : RewardModel.fromBackbone(c.name(), Path.of(c.model()), seg, c.seed());
        List<Tensor> params = rm.trainable();
        AdamW opt = new AdamW(params, c.adamW());
        long step = run.resume(latest, params, opt);
        int perEpoch = (train.size() + c.batch_pairs() - 1) / c.batch_pairs(), steps = perEpoch * c.epochs();
        LrSchedule lr = c.schedule(steps);
        OptimizerStep update = new OptimizerStep(params, opt, new NumericGuard(log), c.grad_clip());
        TrainingLoop loop = new TrainingLoop(run, new Progress("rm " + c.name(), steps, log), steps, c.checkpoint_every(),
                new TrainingLoop.Checkpoint(rm::save, Map.of(), params, opt));
        int[][] order = {null};
        int[] orderEpoch = {-1};
        step = loop.run(step, stopAfter, s -> {
            // The pairs of step s depend only on (seed, s): a resumed run sees the same batches.
            int epoch = (int) (s / perEpoch), b = (int) (s % perEpoch) * c.batch_pairs();
            if (epoch != orderEpoch[0]) {
                order[0] = Seeds.permutation(train.size(), Seeds.mix(c.seed(), epoch, 11));
                orderEpoch[0] = epoch;
            }
            List<Pair> batch = new ArrayList<>();
            for (int i = b; i < Math.min(train.size(), b + c.batch_pairs()); i++) batch.add(train.get(order[0][i]));
            update.zeroGrad();
            Tensor margin = margins(rm, batch);
            // −log σ(d), with σ kept away from 0 so that a badly wrong pair gives a large finite loss.
            Tensor loss = Elementwise.scale(Reduce.mean(Elementwise.log(Elementwise.clamp(Elementwise.sigmoid(margin), 1e-6f, 1f))), -1f);
            loss.backward();
            float rate = lr.at((int) s);
            OptimizerStep.Applied u = update.apply(s + 1, loss.item(), rate);
            int right = 0;
            for (int i = 0; i < batch.size(); i++) if (margin.data[i] > 0) right++;
            long done = s + 1;
            float lossValue = loss.item(), meanMargin = Reduce.mean(margin.detach()).item();
            loss.releaseGraph();
            Double heldAccuracy = done % c.eval_every() == 0 || done == steps ? accuracy(rm, heldOut) : null;
            return new RewardModelStep(done, lossValue, (double) right / batch.size(), meanMargin,
                    new StepMetrics.Update(rate, u.gradNorm(), u.updated()), heldAccuracy);
        }, listener);
        if (step < steps) {
            log.printf("stopped at step %d/%d%n", step, steps);
            return new Result(null, Double.NaN, Double.NaN, heldOut.size());
        }
        double trainAcc = accuracy(rm, train), heldAcc = accuracy(rm, heldOut);
        Path fin = run.finish(rm::save);
        log.printf("reward model '%s': accuracy %.1f%% on %d training pairs, %.1f%% on %d held-out pairs%n", c.name(), 100 * trainAcc,
                train.size(), 100 * heldAcc, heldOut.size());
        return new Result(fin, trainAcc, heldAcc, heldOut.size());
    }

    /** r(chosen) − r(rejected) per pair [pairs, 1]: one forward over the chosen rows and then the rejected rows. */
    static Tensor margins(RewardModel rm, List<Pair> batch) {
        List<int[]> rows = new ArrayList<>();
        for (Pair p : batch) rows.add(rm.encode(p.prompt(), p.chosen()));
        for (Pair p : batch) rows.add(rm.encode(p.prompt(), p.rejected()));
        Tensor s = rm.scores(rows);
        int n = batch.size();
        int[] chosen = new int[n], rejected = new int[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = i;
            rejected[i] = n + i;
        }
        return Elementwise.sub(Rows.gather(s, chosen), Rows.gather(s, rejected));
    }

    /** The share of pairs whose chosen reply scores above the rejected one. */
    public static double accuracy(RewardModel rm, List<Pair> pairs) {
        if (pairs.isEmpty()) return Double.NaN;
        int right = 0;
        try (var g = Grad.noGrad()) {
            for (int i = 0; i < pairs.size(); i += 32) {
                Tensor m = margins(rm, pairs.subList(i, Math.min(pairs.size(), i + 32)));
                for (float v : m.data) if (v > 0) right++;
                m.releaseGraph();
            }
        }
        return (double) right / pairs.size();
    }
}
