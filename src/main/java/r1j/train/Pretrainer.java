package r1j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import r1j.io.Checkpoint;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Grad;
import r1j.tensor.Tensor;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Tokenizer;

/**
 * Pretraining of the base model (DeepSeek-V3 §4 in miniature): next-token loss on the packed corpus (plus MTP and
 * the sequence-wise balance loss when enabled), AdamW with warm-up then cosine decay, global-norm clipping, and the
 * auxiliary-loss-free router-bias update after every step. The run folder holds config.json, metrics.jsonl,
 * checkpoints/ and final/; the same command after an interruption resumes from the last checkpoint with the same
 * data order, optimizer state and router biases, and ends bit-identical to an uninterrupted run.
 */
public final class Pretrainer {

    /**
     * The final model folder (null when stopped early), the steps done, the last losses and the peak resident memory.
     */
    public record Result(Path finalModel, long steps, float trainLoss, float validationLoss, long peakRssBytes) {}


    /** Settings a resume may change: they change no result. */
    static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("checkpoint_every", "eval_every");

    private final PretrainConfig c;
    private final java.util.function.Consumer<? super PretrainStep> listener;
    private final PrintStream console;

    private Pretrainer(Builder b) {
        this.c = b.config;
        this.listener = b.listener;
        this.console = b.console;
    }

    /** A pretraining job with these settings (its corpus is the file c.corpus()). */
    public static Builder builder(PretrainConfig c) {
        return new Builder(c);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps (for tests and budgets). */
    public static Result run(PretrainConfig c, Path out, long stopAfter, PrintStream console) throws IOException {
        return builder(c).console(console).build().train(out, stopAfter);
    }

    /** The same, handing each step's metrics to listener (on the training thread, after metrics.jsonl has its row). */
    public static Result run(PretrainConfig c, Path out, long stopAfter, PrintStream console,
                             java.util.function.Consumer<? super PretrainStep> listener) throws IOException {
        return builder(c).console(console).listener(listener).build().train(out, stopAfter);
    }

    /** What a pretraining job reports to, set by name; only the settings are required. */
    public static final class Builder {
        private final PretrainConfig config;
        private java.util.function.Consumer<? super PretrainStep> listener = m -> {};
        private PrintStream console = System.err;

        private Builder(PretrainConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        /** Receives each step's typed metrics. */
        public Builder listener(java.util.function.Consumer<? super PretrainStep> v) { listener = java.util.Objects.requireNonNull(v); return this; }
        /** Where the progress lines go (they are also copied into the run folder's run.log). */
        public Builder console(PrintStream v) { console = java.util.Objects.requireNonNull(v); return this; }

        public Pretrainer build() {
            return new Pretrainer(this);
        }
    }

    /** Runs (or resumes) the job in the run folder out, to its last step (or until the base gate holds). */
    public Result train(Path out) throws IOException {
        return train(out, 0);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps. */
    public Result train(Path out, long stopAfter) throws IOException {
        TrainingRun run = TrainingRun.open(out, c, PretrainConfig.defaults(), MAY_CHANGE, console);
        PrintStream log = run.log();
        Tokenizer tok = tokenizer(c, out, log);
        TokenStream data = TokenStream.of(c.corpusPath(), tok);
        log.printf("corpus: %,d train tokens, %,d validation tokens; vocabulary %d%n", data.trainTokens(), data.validationTokens(), tok.vocabSize());

        Path latest = run.latestCheckpoint();
        Transformer model = latest != null ? Checkpoint.load(latest, true)
                : Transformer.init(Presets.get(c.preset()).withVocabSize(tok.vocabSize()).withMtp(c.mtp_layers()), c.seed());
        AdamW opt = new AdamW(model.trainable(), c.adamW());
        long step = run.resume(latest, model.trainable(), opt);
        if (model.config().max_position_embeddings() < c.seq_len()) {
            throw new IllegalArgumentException("seq_len " + c.seq_len() + " exceeds the preset's max_position_embeddings "
                    + model.config().max_position_embeddings());
        }
        log.printf("model: %,d parameters (%,d active per token)%n", model.parameterCount(), model.activeParameterCount());

        long steps = c.steps();
        LrSchedule lr = new LrSchedule(c.lr(), c.min_lr(), c.warmup_steps(), (int) steps, LrSchedule.Decay.COSINE);
        Transformer.LossOptions lossOpt = new Transformer.LossOptions(c.mtp_lambda(), c.balance_alpha());
        OptimizerStep update = new OptimizerStep(model.trainable(), opt, new NumericGuard(log), c.grad_clip());
        TrainingRun.Folder folder = TrainingRun.modelFolder(model, tok);
        TrainingLoop loop = new TrainingLoop(run, new Progress("pretrain", steps, log), steps, c.checkpoint_every(),
                new TrainingLoop.Checkpoint(folder, Map.of(), update.params(), opt));
        long startStep = step, t0 = System.nanoTime();
        float[] last = {Float.NaN, Float.NaN};
        boolean[] gatePassed = {false};
        step = loop.run(startStep, stopAfter, new TrainingLoop.Job<PretrainStep>() {
            @Override
            public PretrainStep step(long s) {
                TokenStream.Batch b = data.batch(false, c.batch_size(), c.seq_len(), c.seed(), s);
                update.zeroGrad();
                model.resetExpertLoads();
                Transformer.Loss l = model.loss(b.ids(), b.targets(), c.batch_size(), c.seq_len(), lossOpt);
                l.total().backward();
                float rate = lr.at(s);
                OptimizerStep.Applied u = update.apply(s + 1, l.main().loss().item(), rate);
                double ratio = model.expertLoadRatio();
                if (c.bias_update_speed() > 0) model.updateRouterBiases(c.bias_update_speed());
                last[0] = l.main().loss().item();
                float mtp = l.mtp() == null ? Float.NaN : l.mtp().item();
                l.total().releaseGraph();
                long done = s + 1, tokensThisRun = (done - startStep) * c.batch_size() * c.seq_len();
                double secs = (System.nanoTime() - t0) / 1e9;
                boolean evalNow = done % c.eval_every() == 0 || done == steps;
                if (evalNow) last[1] = validationLoss(model, data, c);
                return new PretrainStep(done, new StepMetrics.Losses(last[0], last[1], evalNow), mtp,
                        new StepMetrics.Update(rate, u.gradNorm(), u.updated()), Math.round(ratio * 1000) / 1000.0,
                        done * c.batch_size() * (long) c.seq_len(),
                        new StepMetrics.Throughput(Math.round(tokensThisRun / secs), currentRss() >> 20));
            }

            @Override
            public boolean finishedEarly(long done) throws IOException {
                if (c.gate_every() <= 0 || done % c.gate_every() != 0 || done >= steps) return false;
                r1j.eval.BaseGate.Result g = r1j.eval.BaseGate.check(model, tok, 100, c.seed(), 160);
                model.resetExpertLoads();
                log.printf("gate at step %d: single steps %.1f%%, pass@8 %.1f%% → %s%n", done, 100 * g.singleStep(),
                        100 * g.passAt8(), g.passed() ? "passed" : "not yet");
                if (g.passed()) loop.save(done);
                gatePassed[0] = g.passed();
                return g.passed();
            }
        }, listener);
        float loss = last[0], val = last[1];
        boolean done = step == steps || gatePassed[0];
        Path fin = done ? run.finish(folder) : null;
        long rss = peakRss();
        log.printf("%s at step %d/%d; peak RSS %,d MB%n", gatePassed[0] ? "gate passed, finished" : done ? "finished" : "stopped",
                step, steps, rss >> 20);
        return new Result(fin, step, loss, val, rss);
    }

    private static Tokenizer tokenizer(PretrainConfig c, Path out, PrintStream log) throws IOException {
        if (c.tokenizer() != null) return Tokenizer.load(Path.of(c.tokenizer()));
        Path dir = out.resolve("tokenizer");
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) return Tokenizer.load(dir);
        List<String> docs = new ArrayList<>();
        long bytes = 0;
        try (var lines = Files.lines(c.corpusPath(), StandardCharsets.UTF_8)) {
            for (String l : (Iterable<String>) lines::iterator) {
                docs.add(l);
                bytes += l.length();
                if (bytes > (8L << 20)) break;
            }
        }
        Tokenizer t = BpeTrainer.train(docs, c.vocab_size());
        t.save(dir);
        log.printf("trained a %d-token BPE on %,d documents → %s%n", t.vocabSize(), docs.size(), dir);
        return t;
    }

    static float validationLoss(Transformer model, TokenStream data, PretrainConfig c) {
        if (data.validationTokens() < c.seq_len() + 2) return Float.NaN;
        double sum = 0;
        try (var g = Grad.noGrad()) {
            for (int i = 0; i < c.eval_batches(); i++) {
                // The same validation batches at every evaluation, so the curve compares like with like.
                TokenStream.Batch b = data.batch(true, c.batch_size(), c.seq_len(), c.seed(), i);
                Tensor l = model.loss(b.ids(), b.targets(), c.batch_size(), c.seq_len(), Transformer.LossOptions.NONE).main().loss();
                sum += l.item();
                l.releaseGraph();
            }
        }
        model.resetExpertLoads();
        return (float) (sum / c.eval_batches());
    }

    /** Peak resident set size of this process (VmHWM), or 0 where /proc is not available. */
    public static long peakRss() {
        return procStatus("VmHWM:");
    }

    /** Current resident set size (VmRSS), logged every step so that growth would show. */
    public static long currentRss() {
        return procStatus("VmRSS:");
    }

    private static long procStatus(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
