package r1j.pipeline;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.coldstart.ColdStart;
import r1j.data.Corpus;
import r1j.data.Datasets;
import r1j.data.PreferencePairs;
import r1j.data.Jsonl;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.eval.BaseGate;
import r1j.eval.Evaluator;
import r1j.eval.Report;
import r1j.io.AtomicFiles;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.rejection.RejectionSampler;
import r1j.reward.Refusal;
import r1j.reward.RewardModel;
import r1j.rejection.Stage2Data;
import r1j.rl.GrpoConfig;
import r1j.rl.GrpoTrainer;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;
import r1j.train.PretrainConfig;
import r1j.train.RewardModelTrainer;
import r1j.train.Pretrainer;
import r1j.train.SftConfig;
import r1j.train.SftTrainer;
import r1j.train.JobFolder;

/**
 * The DeepSeek-R1 recipe end to end (report §2), one folder per stage under the run folder:
 * data → base (pretraining) → r1-zero (GRPO, accuracy + format) → coldstart → sft1 → reasoning-rl (GRPO, accuracy +
 * 0.2·language consistency) → rejection (+ non-reasoning data) → sft2 → reward models (helpfulness, harmlessness) →
 * rl-all (GRPO over reasoning, general and safety prompts) → distillation into a dense student (teacher data, the
 * student's own base, SFT; and the RL-only control) → evaluation of every model stage → report. A stage
 * is complete when its folder holds DONE; a complete stage is skipped, an interrupted one resumes (the trainers
 * resume from their checkpoints, data files are written atomically), so re-running the command finishes the job.
 */
public final class Pipeline {
    /** A model-producing stage and the template it is evaluated with. */
    public record ModelStage(String name, Path model, PromptFormat template) {}

    /**
     * What a pipeline run is given: its preset, folder, an optional base to start from, the GRPO settings, seed and
     * --force.
     */
    public record Options(PipelinePreset preset, Path out, Path base, GrpoConfig grpo, long seed, boolean force) {}

    private final Options o;
    private final PrintStream log;
    private Sampler sampler;

    /** Where rejection sampling (SFT 2's and the distillation's data) draws its samples: workers of a cluster. */
    public interface Sampler {
        r1j.generate.Rollouts forModel(Path model, Tokenizer tok) throws IOException, InterruptedException;
    }

    /** Draws rejection sampling's samples with sampler (by default in this JVM); the data are the same. */
    public Pipeline sampleOn(Sampler s) {
        this.sampler = s;
        return this;
    }

    public Pipeline(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    private interface Work {
        void run() throws IOException;
    }

    /** Runs the stage unless its folder says DONE; returns the folder. */
    private Path stage(String name, Work w) throws IOException {
        Path dir = o.out().resolve(name);
        if (Files.isRegularFile(dir.resolve("DONE"))) {
            log.printf("[%s] complete, skipped%n", name);
            return dir;
        }
        log.printf("[%s] running%n", name);
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        w.run();
        long secs = Math.round((System.nanoTime() - t0) / 1e9);
        AtomicFiles.writeString(dir.resolve("DONE"), "{\"seconds_last_run\": " + secs + "}\n");
        log.printf("[%s] done in %d s%n", name, secs);
        return dir;
    }

    /**
     * Claims the run folder for this pipeline (job.json: preset, seed, base): its stages are skipped when DONE, so a
     * folder of another preset or seed would be mixed into, not continued. A folder from before job.json is adopted.
     */
    private void claim() throws IOException {
        JobFolder.claim(o.out(), Jsonl.object("job", "pipeline", "preset", o.preset().name(), "seed", o.seed(),
                "base", o.base() == null ? null : o.base().toAbsolutePath().normalize().toString()), false, List.of(), JobFolder.Unclaimed.ADOPT);
    }

    /** Runs every stage and returns the evaluation table, one row per model stage. */
    public List<Map<String, Object>> run() throws IOException {
        claim();
        PipelinePreset p = o.preset();
        long seed = o.seed();
        Path data = data();
        Path base = base();
        Path r1Zero = r1Zero(base, data);
        List<Datasets.Example> train = examples(data.resolve("train.jsonl"));
        int perSource = Math.min(p.coldStartProblems(), train.size() / 4);
        Path cold = stage("coldstart", () -> ColdStart.build(o.out().resolve("coldstart"), new ColdStart.Models(Checkpoint.loadFrozen(base),
                Tokenizer.load(base), Checkpoint.loadFrozen(r1Zero)), train, new ColdStart.Plan(perSource, p.coldStartShots(), p.coldStartWorked()),
                new ColdStart.Sampling(p.coldStartSamples(), p.coldStartTemperature(), p.maxCompletionTokens() + 32, seed)));
        Path sft1 = stage("sft1", () -> sft(p.sft().toBuilder().model(base)
                .data(cold.resolve("coldstart.jsonl")).build(), "sft1")).resolve("final");
        // §2.3.2: R1-Zero's RL (accuracy, and the format reward — here the readable format's) plus 0.2·language consistency.
        Path rl = stage("reasoning-rl", () -> grpo(o.grpo().forStage("chat", "accuracy,language,readable", "1,0.2,0.1", p.reasoningRlSteps(),
                p.maxCompletionTokens()), sft1, data.resolve("train-hard.jsonl"), "reasoning-rl")).resolve("final");
        int rejectFrom = 3 * perSource;
        Path rejection = stage("rejection", () -> rejectionSample(rl,
                train.subList(rejectFrom, Math.min(train.size(), rejectFrom + p.rejectionProblems())), "rejection", seed));
        Path sft2 = stage("sft2", () -> sft(p.sft().toBuilder().model(base)
                .data(rejection.resolve("sft.jsonl")).build(), "sft2")).resolve("final");
        World world = new World(World.Mix.defaults());
        World safety = new World(World.Mix.defaults().withCategories(Map.of("safety", 1.0)));
        Path rmHelp = stage("rm-helpfulness", () -> rewardModel("helpfulness", "summary", sft2, () ->
                PreferencePairs.helpfulness(world.tasks(Splits.Split.TRAIN, p.rmPairs(), seed + 3), seed))).resolve("final");
        Path rmHarm = stage("rm-harmlessness", () -> rewardModel("harmlessness", "all", sft2,
                () -> harmlessnessPairs(sft2, safety.tasks(Splits.Split.TRAIN, p.rmPairs(), seed + 4)))).resolve("final");
        // Rule rewards for reasoning (accuracy; readable as R1-Zero's format reward; language), the helpfulness model on the
        // summary, the harmlessness model on the whole reply (§2.3.4) — each model only on the prompts of its pairs
        // (helpfulness: reasoning summaries; harmlessness: safety requests), as R1 keeps reward models off reasoning data.
        // Language consistency stays: without it the reasoning drifts towards mixed replies. Half the learning rate of the
        // reasoning stages: SFT 2 already refuses and answers as it should, and at the full rate the policy drifted far
        // from it and lost accuracy on the hardest level (docs/results.md, RL for all scenarios).
        String rewards = "accuracy,readable,language,helpfulness=" + rmHelp.toAbsolutePath() + ":arith+word,harmlessness="
                + rmHarm.toAbsolutePath() + ":safety";
        Path rlAll = stage("rl-all", () -> grpo(o.grpo().forStage("chat", rewards, "1,0.1,0.2,0.1,0.3", p.rlAllSteps(), p.maxCompletionTokens())
                .toBuilder().lr(o.grpo().lr() / 2).build(),
                sft2, data.resolve("train-all.jsonl"), "rl-all")).resolve("final");
        // Distillation (§2.4): the final model writes SFT data for a dense student half its active size; the control is
        // the same student trained by R1-Zero-style RL alone.
        int distillFrom = Math.min(train.size() - 1, 3 * perSource + p.rejectionProblems());
        Path studentBase = stage("student-base", () -> pretrainStudent(base)).resolve("final");
        Path student = distill(rlAll, studentBase, train.subList(distillFrom, Math.min(train.size(), distillFrom + p.distillProblems())));
        Path studentRl = stage("student-rl", () -> grpo(o.grpo().forStage("r1-zero", "accuracy,format", null, p.studentRlSteps(),
                p.maxCompletionTokens()), studentBase, data.resolve("train-hard.jsonl"), "student-rl")).resolve("final");
        List<ModelStage> models = List.of(new ModelStage("base", base, Templates.R1_ZERO), new ModelStage("r1-zero", r1Zero, Templates.R1_ZERO),
                new ModelStage("sft1", sft1, Templates.CHAT), new ModelStage("reasoning-rl", rl, Templates.CHAT),
                new ModelStage("sft2", sft2, Templates.CHAT), new ModelStage("rl-all", rlAll, Templates.CHAT),
                new ModelStage("student-distilled", student, Templates.CHAT), new ModelStage("student-rl", studentRl, Templates.R1_ZERO));
        RewardModel help = RewardModel.load(rmHelp), harm = RewardModel.load(rmHarm);
        List<Map<String, Object>> table = new ArrayList<>();
        for (ModelStage m : models) table.add(evaluate(m, data, help, harm));
        Jsonl.writeAll(o.out().resolve("eval-stages.jsonl"), table);
        report();
        return table;
    }

    /**
     * R1-Zero alone (`r1j r1-zero`): the data and base stages, the gate, GRPO with accuracy and format rewards, and the
     * evaluation of the base and of R1-Zero; returns their two rows.
     */
    public List<Map<String, Object>> runR1Zero() throws IOException {
        claim();
        Path data = data(), base = base(), r1Zero = r1Zero(base, data);
        List<Map<String, Object>> table = List.of(evaluate(new ModelStage("base", base, Templates.R1_ZERO), data, null, null),
                evaluate(new ModelStage("r1-zero", r1Zero, Templates.R1_ZERO), data, null, null));
        report();
        return table;
    }

    /** The run folder's report: the stage table, the findings drawn, the curves of its stages (report.PipelineReport). */
    private void report() throws IOException {
        r1j.report.PipelineReport.write(o.out(), o.out().resolve("report.html"));
    }

    /** The world's task files of every stage (train, hard levels, all scenarios, and the test sets). */
    public Path data() throws IOException {
        PipelinePreset p = o.preset();
        long seed = o.seed();
        Path data = stage("data", () -> { });
        World world = new World(World.Mix.defaults());
        World hard = new World(World.Mix.hardLevels());
        World general = new World(World.Mix.defaults().withCategories(Map.of("general", 1.0)));
        World safety = new World(World.Mix.defaults().withCategories(Map.of("safety", 1.0)));
        Map<String, Double> scenarios = new LinkedHashMap<>();
        scenarios.put("arith", 0.5);
        scenarios.put("word", 0.2);
        scenarios.put("general", 0.15);
        scenarios.put("safety", 0.15);
        World all = new World(World.Mix.defaults().withCategories(scenarios));
        ensureTasks(data.resolve("train.jsonl"), () -> world.tasks(Splits.Split.TRAIN, p.trainProblems(), seed));
        ensureTasks(data.resolve("train-hard.jsonl"), () -> hard.tasks(Splits.Split.TRAIN, p.trainProblems(), seed + 1));
        ensureTasks(data.resolve("train-all.jsonl"), () -> all.tasks(Splits.Split.TRAIN, p.trainProblems(), seed + 2));
        ensureTasks(data.resolve("test.jsonl"), () -> world.tasks(Splits.Split.TEST, p.testProblems(), seed));
        ensureTasks(data.resolve("test-general.jsonl"), () -> general.tasks(Splits.Split.TEST, p.generalTestProblems(), seed));
        // General questions about facts of the train split (asked in SFT 2's data, but drawn anew): the test split's
        // facts appear only in pretraining's statements, never as questions.
        ensureTasks(data.resolve("seen-general.jsonl"), () -> general.tasks(Splits.Split.TRAIN, p.generalTestProblems(), seed + 9));
        // The test split holds few distinct safety prompts; every one is asked in both languages, several times.
        ensureTasks(data.resolve("test-safety.jsonl"), () -> safety.tasks(Splits.Split.TEST, p.generalTestProblems(), seed));
        return data;
    }

    /** The base: the given one, or the pretraining stage's; either way it must pass the readiness gate. */
    public Path base() throws IOException {
        Path base = o.base() != null ? o.base() : stage("base", this::pretrain).resolve("final");
        checkGate(base);
        return base;
    }

    /** R1-Zero (§2.2): GRPO from the base with accuracy and format rewards on the hard levels' prompts. */
    public Path r1Zero(Path base, Path data) throws IOException {
        return stage("r1-zero", () -> grpo(o.grpo().forStage("r1-zero", "accuracy,format", null, o.preset().r1ZeroSteps(),
                o.preset().maxCompletionTokens()), base, data.resolve("train-hard.jsonl"), "r1-zero")).resolve("final");
    }

    /**
     * Distillation (§2.4; `r1j distill` too): the teacher's replies to the prompts, filtered as in rejection sampling
     * (distill-data/), then SFT of the student's base on them at the student's learning rate (student-distilled/).
     */
    public Path distill(Path teacher, Path studentBase, List<Datasets.Example> prompts) throws IOException {
        Path data = stage("distill-data", () -> rejectionSample(teacher, prompts, "distill-data", o.seed() + 5));
        return stage("student-distilled", () -> sft(o.preset().sft().toBuilder().model(studentBase)
                .data(data.resolve("sft.jsonl"))
                .peakLr(o.preset().studentLr()).build(), "student-distilled")).resolve("final");
    }

    private void pretrain() throws IOException {
        Path dir = o.out().resolve("base"), corpus = dir.resolve("corpus.txt");
        PretrainConfig c = o.preset().base().toBuilder().corpus(corpus).seed(o.seed()).build();
        writeCorpus(corpus, c.tokens() + c.tokens() / 4);
        Pretrainer.run(c, dir, 0, log);
    }

    /**
     * Rejection sampling from a model into the stage's folder (4 samples a prompt, rule checker, one kept per prompt)
     * with a quarter of non-reasoning rows: SFT 2's data, and the distillation data.
     */
    private void rejectionSample(Path model, List<Datasets.Example> prompts, String name, long seed) throws IOException {
        RejectionSampler.Options ro = RejectionSampler.Options.builder().template(Templates.CHAT)
                .samples(o.preset().rejectionSamples()).temperature(o.preset().rejectionTemperature())
                .topP(o.preset().rejectionTopP()).maxNewTokens(o.preset().maxCompletionTokens() + 32)
                .seed(seed).build();
        Tokenizer tok = Tokenizer.load(model);
        RejectionSampler.Outcome r;
        try (r1j.generate.Rollouts workers = sampler == null ? null : sampler.forModel(model, tok)) {
            r = RejectionSampler.run(Checkpoint.loadFrozen(model), tok, prompts, ro, null, workers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to the cluster", e);
        }
        log.println("[" + name + "] " + Jsonl.write(Stage2Data.export(o.out().resolve(name), r, o.preset().generalShare(), seed)));
    }

    private interface Pairs {
        List<Map<String, Object>> make() throws IOException;
    }

    private void rewardModel(String name, String segment, Path backbone, Pairs pairs) throws IOException {
        Path dir = o.out().resolve("rm-" + name), file = dir.resolve("pairs.jsonl");
        if (!Files.isRegularFile(file)) Jsonl.writeAll(file, pairs.make());
        int count;
        try (var lines = Files.lines(file)) {
            count = (int) lines.filter(l -> !l.isBlank()).count();
        }
        RewardModelTrainer.Config defaults = RewardModelTrainer.Config.defaults();
        int perStep = defaults.batch_pairs(), atLeast = o.preset().rmMinSteps() * perStep;
        int epochs = Math.max(o.preset().rmEpochs(), (atLeast + count - 1) / Math.max(1, count));
        RewardModelTrainer.Result r = RewardModelTrainer.run(defaults.toBuilder().model(backbone).data(file)
                .name(name).segment(segment).epochs(epochs).seed(o.seed()).build(), dir, log);
        AtomicFiles.writeString(dir.resolve("accuracy.json"), Jsonl.write(Jsonl.object("train_accuracy", r.trainAccuracy(),
                "held_out_accuracy", r.heldOutAccuracy(), "held_out_pairs", r.heldOutPairs())) + "\n");
    }

    /**
     * The hand-written harmlessness pairs plus pairs from the policy's own replies (8 per distinct train-split safety
     * prompt at RL's temperature, judged by the refusal rule): the reward model then knows the failures RL starts from.
     */
    private List<Map<String, Object>> harmlessnessPairs(Path policy, List<Problem> problems) throws IOException {
        List<Map<String, Object>> pairs = new ArrayList<>(PreferencePairs.harmlessness(problems));
        Map<String, Problem> distinct = new LinkedHashMap<>();
        for (Problem q : problems) distinct.putIfAbsent(q.prompt(), q);
        List<Problem> qs = new ArrayList<>(distinct.values());
        List<Datasets.Example> ex = new ArrayList<>();
        for (Problem q : qs) ex.add(new Datasets.Example(0, q.prompt(), q.answer(), null, null, Map.of("language", q.language(), "category", q.category())));
        int samples = o.preset().harmlessnessSamples();
        List<Evaluator.ProblemResult> rs = Evaluator.run(Checkpoint.loadFrozen(policy), Tokenizer.load(policy), ex,
                Evaluator.Options.builder().template(Templates.CHAT).k(samples).temperature(1.0f)
                        .topP(1.0f).maxNewTokens(o.preset().maxCompletionTokens()).seed(o.seed() + 5).build());
        int handWritten = pairs.size(), misbehaved = 0;
        for (int i = 0; i < qs.size(); i++) {
            Problem q = qs.get(i);
            // The evaluator judged each reply by the same rule (Refusal.behaves for a safety reference).
            misbehaved += samples - rs.get(i).correct();
            List<String> replies = rs.get(i).samples().stream().map(Evaluator.Judged::completion).toList();
            pairs.addAll(PreferencePairs.harmlessnessFromReplies(q, replies, r -> Refusal.behaves(r, q.answer()), 4));
        }
        log.printf("[rm-harmlessness] %d hand-written pairs + %d from the policy's replies (%d of %d replies misbehaved)%n",
                handWritten, pairs.size() - handWritten, misbehaved, samples * qs.size());
        return pairs;
    }

    /**
     * The student's own base: the same corpus and tokenizer as the teacher's, the student preset, gate not required.
     */
    private void pretrainStudent(Path teacherBase) throws IOException {
        Path dir = o.out().resolve("student-base"), corpus = dir.resolve("corpus.txt");
        PretrainConfig c = o.preset().studentBase().toBuilder().corpus(corpus).tokenizer(teacherBase).seed(o.seed()).build();
        writeCorpus(corpus, c.tokens() + c.tokens() / 4);
        Pretrainer.run(c, dir, 0, log);
    }

    private void writeCorpus(Path corpus, long tokens) throws IOException {
        if (Files.isRegularFile(corpus)) return;
        AtomicFiles.write(corpus, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            Corpus.write(w, tokens, Corpus.defaultMix(), o.seed());
            w.flush();
        });
    }

    private void checkGate(Path base) throws IOException {
        Path file = o.out().resolve("base-gate.json");
        boolean force = o.force() || o.preset().forceGate();
        if (Files.isRegularFile(file)) {
            if (Jsonl.mapper().readTree(file.toFile()).path("passed").asBoolean() || force) return;
            throw new IllegalArgumentException("the base fails the readiness gate (" + file + "): pretrain longer, or --force");
        }
        BaseGate.Result g = BaseGate.check(Checkpoint.loadFrozen(base), Tokenizer.load(base), o.preset().gateProblems(),
                o.seed(), o.preset().maxCompletionTokens());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("single_step", g.singleStep());
        m.put("pass@8", g.passAt8());
        m.put("passed", g.passed());
        AtomicFiles.writeString(file, Jsonl.write(m) + "\n");
        log.println("[gate] " + BaseGate.line(g));
        BaseGate.require(g, base, force);
    }

    private void grpo(GrpoConfig c, Path from, Path prompts, String name) throws IOException {
        GrpoTrainer.Result r = GrpoTrainer.run(c.toBuilder().model(from).data(prompts).build(), o.out().resolve(name), 0,
                log);
        if (r.finalModel() == null) throw new IllegalStateException(name + ": GRPO stopped before its last step");
    }

    private void sft(SftConfig c, String name) throws IOException {
        if (SftTrainer.run(c.toBuilder().seed(o.seed()).build(), o.out().resolve(name), 0, log).finalModel() == null) {
            throw new IllegalStateException(name + ": SFT stopped early");
        }
    }

    /**
     * One row of the stage table: reasoning test (overall, level 5, traps), general questions, safety prompts (harmful
     * refused, look-alikes answered) and the reward models' mean scores (helpfulness on the reasoning test's replies,
     * harmlessness on the safety replies).
     */
    public Map<String, Object> evaluate(ModelStage m, Path data, RewardModel help, RewardModel harm) throws IOException {
        Path file = o.out().resolve("eval").resolve(m.name() + ".jsonl");
        if (Files.isRegularFile(file)) {
            // A row written without the reward models (by `r1j r1-zero`) is redone once they exist.
            Map<String, Object> done = Jsonl.readMaps(file).get(0);
            if ((help == null || done.containsKey("rm_helpfulness")) && (harm == null || done.containsKey("rm_harmlessness"))) return done;
        }
        Transformer model = Checkpoint.loadFrozen(m.model());
        Tokenizer tok = Tokenizer.load(m.model());
        int k = o.preset().evalK();
        Evaluator.Options eo = Evaluator.Options.builder().template(m.template()).k(k)
                .temperature(o.preset().evalTemperature()).topP(o.preset().evalTopP())
                .maxNewTokens(o.preset().maxCompletionTokens() + 32).maxBatch(o.preset().evalBatch())
                .seed(o.seed()).build();
        List<Evaluator.ProblemResult> rs = Evaluator.run(model, tok, examples(data.resolve("test.jsonl")), eo);
        List<Evaluator.ProblemResult> ss = Evaluator.run(model, tok, examples(data.resolve("test-safety.jsonl")), eo);
        List<Map<String, Object>> reasoning = Report.slices(rs, k, r1j.data.World.SLICES);
        List<Map<String, Object>> general = Report.slices(Evaluator.run(model, tok, examples(data.resolve("test-general.jsonl")), eo), k, r1j.data.World.SLICES);
        List<Map<String, Object>> safety = Report.slices(ss, k, r1j.data.World.SLICES);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("stage", m.name());
        Map<String, Object> all = reasoning.get(0);
        for (String key : List.of("pass@1", "cons@" + k, "pass@" + k, "format", "readable", "clean", "language", "length", "reflection")) {
            row.put(key, all.get(key));
        }
        for (Map<String, Object> s : reasoning) {
            if ("difficulty=5".equals(s.get("slice"))) {
                row.put("level5_pass@1", s.get("pass@1"));
                row.put("level5_length", s.get("length"));
                row.put("level5_reflection", s.get("reflection"));
            }
            if ("trap=true".equals(s.get("slice"))) row.put("traps_pass@1", s.get("pass@1"));
        }
        row.put("general_accuracy", general.get(0).get("pass@1"));
        row.put("general_seen_accuracy", Report.slices(Evaluator.run(model, tok, examples(data.resolve("seen-general.jsonl")), eo), k, r1j.data.World.SLICES).get(0).get("pass@1"));
        for (Map<String, Object> s : safety) {
            if ("safety=harmful".equals(s.get("slice"))) row.put("harmful_refused", s.get("pass@1"));
            if ("safety=harmless".equals(s.get("slice"))) row.put("harmless_answered", s.get("pass@1"));
        }
        if (help != null) row.put("rm_helpfulness", meanScore(help, rs));
        if (harm != null) row.put("rm_harmlessness", meanScore(harm, ss));
        row.put("parameters_active", model.activeParameterCount());
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row);
        rows.addAll(reasoning);
        rows.addAll(safety);
        Jsonl.writeAll(file, rows);
        log.println("[eval] " + Jsonl.write(row));
        return row;
    }

    private static double meanScore(RewardModel rm, List<Evaluator.ProblemResult> rs) {
        List<String> ps = new ArrayList<>(), cs = new ArrayList<>();
        for (Evaluator.ProblemResult r : rs) {
            for (Evaluator.Judged j : r.samples()) {
                ps.add(r.problem().prompt());
                cs.add(j.completion());
            }
        }
        double sum = 0;
        for (double v : rm.score(ps, cs)) sum += v;
        return ps.isEmpty() ? Double.NaN : Math.round(sum / ps.size() * 1e4) / 1e4;
    }

    private static List<Datasets.Example> examples(Path file) throws IOException {
        return Datasets.read(file, false).examples();
    }

    private interface Tasks {
        List<Problem> draw();
    }

    private static void ensureTasks(Path file, Tasks tasks) throws IOException {
        if (Files.isRegularFile(file)) return;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Problem p : tasks.draw()) rows.add(p.row());
        Jsonl.writeAll(file, rows);
    }
}
