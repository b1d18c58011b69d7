package r1j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import r1j.data.Datasets;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Grad;
import r1j.tensor.Tensor;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;

/**
 * Supervised fine-tuning (DeepSeek-R1 §2.3.1, §2.3.3): next-token loss on completion tokens only, over packed
 * examples, for a number of epochs, with the optimiser, schedule, clipping, checkpoints, resume, metrics and report of
 * pretraining. The batches of step s depend only on (seed, s), so a resumed run continues with the same data.
 */
public final class SftTrainer {
    /** The final model folder (null when stopped early), the steps done and the last losses. */
    public record Result(Path finalModel, long steps, float trainLoss, float validationLoss) {}

    /** Settings a resume may change: they change no result. */
    static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("checkpoint_every", "eval_every", "gradient_checkpointing");

    private final SftConfig c;
    private final Iterable<Datasets.Example> examples;
    private final java.util.function.Consumer<? super SftStep> listener;
    private final PrintStream console;

    private SftTrainer(Builder b) {
        this.c = b.config;
        this.examples = b.examples;
        this.listener = b.listener;
        this.console = b.console;
    }

    /** An SFT job with these settings: the model is c.model(); the examples are c.data() unless the builder is given rows. */
    public static Builder builder(SftConfig c) {
        return new Builder(c);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps (resume later). */
    public static Result run(SftConfig c, Path out, long stopAfter, PrintStream console) throws IOException {
        return builder(c).console(console).build().train(out, stopAfter);
    }

    /** The same, handing each step's metrics to listener (on the training thread, after metrics.jsonl has its row). */
    public static Result run(SftConfig c, Path out, long stopAfter, PrintStream console,
                             java.util.function.Consumer<? super SftStep> listener) throws IOException {
        return builder(c).console(console).listener(listener).build().train(out, stopAfter);
    }

    /** What an SFT job runs on, set by name; only the settings are required. */
    public static final class Builder {
        private final SftConfig config;
        private Iterable<Datasets.Example> examples;
        private java.util.function.Consumer<? super SftStep> listener = m -> {};
        private PrintStream console = System.err;

        private Builder(SftConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /** The examples (prompt/completion or messages rows) instead of the settings' data file. */
        public Builder examples(Iterable<Datasets.Example> v) { examples = v; return this; }
        /** Receives each step's typed metrics. */
        public Builder listener(java.util.function.Consumer<? super SftStep> v) { listener = java.util.Objects.requireNonNull(v); return this; }
        /** Where the progress lines go (they are also copied into the run folder's run.log). */
        public Builder console(PrintStream v) { console = java.util.Objects.requireNonNull(v); return this; }

        public SftTrainer build() {
            return new SftTrainer(this);
        }
    }

    /** Runs (or resumes) the job in the run folder out, to its last step. */
    public Result train(Path out) throws IOException {
        return train(out, 0);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps (resume later). */
    public Result train(Path out, long stopAfter) throws IOException {
        if (c.model() == null || (c.data() == null && examples == null)) throw new IllegalArgumentException("sft: a model and examples are needed");
        TrainingRun run = TrainingRun.open(out, c, SftConfig.defaults(), MAY_CHANGE, console);
        PrintStream log = run.log();
        Path latest = run.latestCheckpoint();
        Path from = latest != null ? latest : Path.of(c.model());
        Transformer model = TrainingRun.trainee(Path.of(c.model()), latest, c.lora(), c.seed());
        model.setGradientCheckpointing(c.gradient_checkpointing());
        Tokenizer tok = Tokenizer.load(from);
        AdamW opt = new AdamW(model.trainable(), c.adamW());
        long step = run.resume(latest, model.trainable(), opt);
        if (model.config().max_position_embeddings() < c.seq_len()) {
            throw new IllegalArgumentException("seq_len " + c.seq_len() + " exceeds the model's max_position_embeddings "
                    + model.config().max_position_embeddings());
        }
        PromptFormat template = PromptFormat.resolve(c.template(), from);
        List<Datasets.Example> train = new ArrayList<>(), validation = new ArrayList<>();
        List<Datasets.Example> all = new ArrayList<>();
        if (examples != null) examples.forEach(all::add);
        else all.addAll(Datasets.read(Path.of(c.data()), false).examples());
        for (int i = 0; i < all.size(); i++) (c.heldOut(i) ? validation : train).add(all.get(i));
        SftExamples data, val;
        try {
            data = new SftExamples(train, tok, template, c.seq_len());
            val = new SftExamples(validation, tok, template, c.seq_len());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((examples != null ? "the examples" : c.data()) + ": " + e.getMessage(), e);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException((examples != null ? "the examples" : c.data()) + ": no SFT examples with completion tokens");
        }
        List<List<int[]>> schedule = schedule(data, c);
        long steps = schedule.size();
        log.printf("SFT: %,d examples (%,d held out; %d cut to %d tokens), %d epochs, %,d steps of %d rows%n", data.size(),
                val.size(), data.truncated(), c.seq_len(), c.epochs(), steps, c.batch_size());
        LrSchedule lr = new LrSchedule(c.lr(), c.min_lr(), c.warmup_steps(), (int) steps, LrSchedule.Decay.COSINE);
        OptimizerStep update = new OptimizerStep(model.trainable(), opt, new NumericGuard(log), c.grad_clip());
        TrainingRun.Folder folder = c.lora() != null ? TrainingRun.adapterFolder(model, tok, c.model()) : TrainingRun.modelFolder(model, tok);
        TrainingLoop loop = new TrainingLoop(run, new Progress("sft", steps, log), steps, c.checkpoint_every(),
                new TrainingLoop.Checkpoint(folder, Map.of(), update.params(), opt));
        long startStep = step, t0 = System.nanoTime();
        long[] tokens = {0};
        float[] last = {Float.NaN, Float.NaN};
        step = loop.run(startStep, stopAfter, s -> {
            SftExamples.Batch b = data.batch(schedule.get((int) s));
            update.zeroGrad();
            r1j.tensor.LowRank.seedStep(r1j.tensor.Seeds.mix(c.seed(), s));
            Transformer.Loss l = model.loss(b.ids(), b.targets(), b.rows(), b.seq(), Transformer.LossOptions.NONE);
            l.total().backward();
            float rate = lr.at(s);
            OptimizerStep.Applied u = update.apply(s + 1, l.main().loss().item(), rate);
            model.resetExpertLoads();
            last[0] = l.main().loss().item();
            l.total().releaseGraph();
            long done = s + 1;
            tokens[0] += b.targetTokens();
            boolean evalNow = done % c.eval_every() == 0 || done == steps;
            if (evalNow) last[1] = validationLoss(model, val, c.seed());
            return new SftStep(done, Math.round(1000.0 * done * c.epochs() / steps) / 1000.0,
                    new StepMetrics.Losses(last[0], last[1], evalNow), new StepMetrics.Update(rate, u.gradNorm(), u.updated()),
                    b.targetTokens(), new StepMetrics.Throughput(Math.round(tokens[0] / ((System.nanoTime() - t0) / 1e9)),
                    Pretrainer.currentRss() >> 20));
        }, listener);
        float loss = last[0], vloss = last[1];
        boolean done = step == steps;
        Path fin = done ? run.finish(folder) : null;
        log.printf("%s at step %d/%d%n", done ? "finished" : "stopped", step, steps);
        return new Result(fin, step, loss, vloss);
    }

    /** Every step's packed rows, epoch after epoch. */
    static List<List<int[]>> schedule(SftExamples data, SftConfig c) {
        List<List<int[]>> steps = new ArrayList<>();
        for (int e = 0; e < c.epochs(); e++) {
            List<int[]> rows = data.rowsOfEpoch(e, c.seed());
            for (int i = 0; i < rows.size(); i += c.batch_size()) steps.add(rows.subList(i, Math.min(rows.size(), i + c.batch_size())));
        }
        return steps;
    }

    /** Mean completion-token loss over the held-out examples (NaN when there are none). */
    static float validationLoss(Transformer model, SftExamples val, long seed) {
        if (val.size() == 0) return Float.NaN;
        List<int[]> rows = val.rowsOfEpoch(0, seed);
        double sum = 0;
        long n = 0;
        try (var g = Grad.noGrad()) {
            for (int i = 0; i < rows.size(); i += 16) {
                SftExamples.Batch b = val.batch(rows.subList(i, Math.min(rows.size(), i + 16)));
                Tensor l = model.loss(b.ids(), b.targets(), b.rows(), b.seq(), Transformer.LossOptions.NONE).main().loss();
                sum += (double) l.item() * b.targetTokens();
                n += b.targetTokens();
                l.releaseGraph();
            }
        }
        model.resetExpertLoads();
        return (float) (sum / Math.max(1, n));
    }
}
