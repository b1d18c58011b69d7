package r1j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    private Pretrainer() {}

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps (for tests and budgets). */
    /** Settings a resume may change: they change no result. */
    static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("checkpoint_every", "eval_every");

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps (for tests and budgets). */
    public static Result run(PretrainConfig c, Path out, long stopAfter, PrintStream console) throws IOException {
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
        List<Tensor> params = model.trainable();
        TrainingRun.Folder folder = TrainingRun.modelFolder(model, tok);
        Progress progress = new Progress("pretrain", steps, log);
        NumericGuard guard = new NumericGuard(log);
        long startStep = step, t0 = System.nanoTime(), tokensThisRun = 0;
        float loss = Float.NaN, val = Float.NaN;
        boolean gatePassed = false;
        while (step < steps && (stopAfter <= 0 || step - startStep < stopAfter)) {
            TokenStream.Batch b = data.batch(false, c.batch_size(), c.seq_len(), c.seed(), step);
            for (Tensor p : params) p.zeroGrad();
            model.resetExpertLoads();
            Transformer.Loss l = model.loss(b.ids(), b.targets(), c.batch_size(), c.seq_len(), lossOpt);
            l.total().backward();
            float norm = AdamW.clipGradNorm(params, c.grad_clip());
            float rate = lr.at(step);
            boolean updated = guard.allows(step + 1, l.main().loss().item(), norm);
            if (updated) opt.step(rate);
            double ratio = model.expertLoadRatio();
            if (c.bias_update_speed() > 0) model.updateRouterBiases(c.bias_update_speed());
            loss = l.main().loss().item();
            float mtp = l.mtp() == null ? Float.NaN : l.mtp().item();
            l.total().releaseGraph();
            step++;
            tokensThisRun += (long) c.batch_size() * c.seq_len();
            double secs = (System.nanoTime() - t0) / 1e9;
            boolean evalNow = step % c.eval_every() == 0 || step == steps;
            if (evalNow) val = validationLoss(model, data, c);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            row.put("loss", loss);
            if (!Float.isNaN(mtp)) row.put("mtp_loss", mtp);
            if (evalNow) row.put("val_loss", val);
            row.put("lr", rate);
            row.put("grad_norm", norm);
            if (!updated) row.put("skipped", true);
            row.put("expert_load_max_min", Math.round(ratio * 1000) / 1000.0);
            row.put("tokens", step * c.batch_size() * (long) c.seq_len());
            row.put("tokens_per_s", Math.round(tokensThisRun / secs));
            row.put("rss_mb", currentRss() >> 20);
            run.metrics(row);
            progress.update(step, startStep, String.format("loss %.3f%s | %.0f tok/s", loss,
                    Float.isNaN(val) ? "" : String.format(" val %.3f", val), tokensThisRun / secs));
            if (step % c.checkpoint_every() == 0 || step == steps) run.checkpoint(step, folder, Map.of(), params, opt);
            if (c.gate_every() > 0 && step % c.gate_every() == 0 && step < steps) {
                r1j.eval.BaseGate.Result g = r1j.eval.BaseGate.check(model, tok, 100, c.seed(), 160);
                model.resetExpertLoads();
                log.printf("gate at step %d: single steps %.1f%%, pass@8 %.1f%% → %s%n", step, 100 * g.singleStep(),
                        100 * g.passAt8(), g.passed() ? "passed" : "not yet");
                if (g.passed()) {
                    run.checkpoint(step, folder, Map.of(), params, opt);
                    gatePassed = true;
                    break;
                }
            }
        }
        boolean done = step == steps || gatePassed;
        Path fin = done ? run.finish(folder) : null;
        long rss = peakRss();
        log.printf("%s at step %d/%d; peak RSS %,d MB%n", gatePassed ? "gate passed, finished" : done ? "finished" : "stopped",
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
