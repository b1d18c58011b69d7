package r1j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * loss = −mean log σ(r(x, y_chosen) − r(x, y_rejected)). Every 10th pair is held out; the accuracy on held-out pairs
 * (chosen scored above rejected) is the figure to report. The run folder holds config.json, metrics.jsonl, the model
 * (final/, written atomically at the end) and report.html.
 */
public final class RewardModelTrainer {
    /** Every setting of a reward-model run, written to the run folder's config.json. */
    public record Config(String model, String data, String name, String segment, int epochs, int batch_pairs, float lr,
                         float weight_decay, float grad_clip, int checkpoint_every, long seed) {
        /** The pipeline's reward-model settings (its stages raise the epochs for small sets). */
        public static Config defaults() {
            return new Config(null, null, "helpfulness", "all", 2, 16, 3e-4f, 0f, 1f, 100, 1);
        }

        public Config withModel(Path backbone) { return Records.with(this, "model", backbone.toAbsolutePath().toString()); }
        public Config withData(Path pairs) { return Records.with(this, "data", pairs.toAbsolutePath().toString()); }
        public Config withName(String v) { return Records.with(this, "name", v); }
        public Config withSegment(String v) { return Records.with(this, "segment", v); }
        public Config withEpochs(int v) { return Records.with(this, "epochs", v); }
        public Config withBatchPairs(int v) { return Records.with(this, "batch_pairs", v); }
        public Config withLr(float v) { return Records.with(this, "lr", v); }
        public Config withWeightDecay(float v) { return Records.with(this, "weight_decay", v); }
        public Config withGradClip(float v) { return Records.with(this, "grad_clip", v); }
        public Config withCheckpointEvery(int v) { return Records.with(this, "checkpoint_every", v); }
        public Config withSeed(long v) { return Records.with(this, "seed", v); }
    }

    /** Settings a resume may change: they change no result. */
    static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("checkpoint_every");

    public record Result(Path finalModel, double trainAccuracy, double heldOutAccuracy, int heldOutPairs) {}

    /** One pair: the prompt, and the chosen and rejected replies. */
    public record Pair(String prompt, String chosen, String rejected) {}

    private RewardModelTrainer() {}

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

    public static Result run(Config c, Path out, PrintStream console) throws IOException {
        return run(c, out, 0, console);
    }

    /** Runs (or resumes) the job; stopAfter &gt; 0 stops this process after that many steps. */
    public static Result run(Config c, Path out, long stopAfter, PrintStream console) throws IOException {
        TrainingRun run = TrainingRun.open(out, c, MAY_CHANGE, console);
        PrintStream log = run.log();
        List<Pair> all = read(Path.of(c.data()));
        List<Pair> train = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) (i % 10 == 9 ? held : train).add(all.get(i));
        Segment seg = Segment.valueOf(c.segment().toUpperCase(java.util.Locale.ROOT));
        Path latest = run.latestCheckpoint();
        RewardModel rm = latest != null ? RewardModel.load(c.name(), latest, seg) : RewardModel.fromBackbone(c.name(), Path.of(c.model()), seg, c.seed());
        List<Tensor> params = rm.trainable();
        AdamW opt = new AdamW(params, new AdamW.Config(0.9f, 0.95f, 1e-8f, c.weight_decay()));
        long step = run.resume(latest, params, opt);
        int perEpoch = (train.size() + c.batch_pairs() - 1) / c.batch_pairs(), steps = perEpoch * c.epochs();
        LrSchedule lr = new LrSchedule(c.lr(), c.lr() / 10, Math.min(20, steps / 10), steps, LrSchedule.Decay.COSINE);
        Progress progress = new Progress("rm " + c.name(), steps, log);
        NumericGuard guard = new NumericGuard(log);
        long startStep = step;
        int[] order = null;
        int orderEpoch = -1;
        while (step < steps && (stopAfter <= 0 || step - startStep < stopAfter)) {
            // The pairs of step s depend only on (seed, s): a resumed run sees the same batches.
            int epoch = (int) (step / perEpoch), b = (int) (step % perEpoch) * c.batch_pairs();
            if (epoch != orderEpoch) {
                order = Seeds.permutation(train.size(), Seeds.mix(c.seed(), epoch, 11));
                orderEpoch = epoch;
            }
            List<Pair> batch = new ArrayList<>();
            for (int i = b; i < Math.min(train.size(), b + c.batch_pairs()); i++) batch.add(train.get(order[i]));
            for (Tensor p : params) p.zeroGrad();
            Tensor margin = margins(rm, batch);
            // −log σ(d), with σ kept away from 0 so that a badly wrong pair gives a large finite loss.
            Tensor loss = Elementwise.scale(Reduce.mean(Elementwise.log(Elementwise.clamp(Elementwise.sigmoid(margin), 1e-6f, 1f))), -1f);
            loss.backward();
            float norm = AdamW.clipGradNorm(params, c.grad_clip());
            float rate = lr.at((int) step);
            boolean updated = guard.allows(step + 1, loss.item(), norm);
            if (updated) opt.step(rate);
            int right = 0;
            for (int i = 0; i < batch.size(); i++) if (margin.data[i] > 0) right++;
            step++;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            row.put("loss", loss.item());
            row.put("accuracy", (double) right / batch.size());
            row.put("margin", Reduce.mean(margin.detach()).item());
            row.put("grad_norm", norm);
            if (!updated) row.put("skipped", true);
            row.put("lr", rate);
            loss.releaseGraph();
            if (step % 50 == 0 || step == steps) row.put("held_out_accuracy", accuracy(rm, held));
            run.metrics(row);
            progress.update(step, startStep, String.format("loss %.3f", (float) row.get("loss")));
            if (step % c.checkpoint_every() == 0 || step == steps) run.checkpoint(step, rm::save, Map.of(), params, opt);
        }
        if (step < steps) {
            log.printf("stopped at step %d/%d%n", step, steps);
            return new Result(null, Double.NaN, Double.NaN, held.size());
        }
        double trainAcc = accuracy(rm, train), heldAcc = accuracy(rm, held);
        Path fin = run.finish(rm::save);
        log.printf("reward model '%s': accuracy %.1f%% on %d training pairs, %.1f%% on %d held-out pairs%n", c.name(), 100 * trainAcc,
                train.size(), 100 * heldAcc, held.size());
        return new Result(fin, trainAcc, heldAcc, held.size());
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
