package r1j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.data.Datasets;
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
import r1j.rl.GrpoTrainer;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;
import r1j.train.PretrainConfig;
import r1j.train.Pretrainer;

/**
 * {@code r1j r1-zero}: DeepSeek-R1-Zero in miniature from nothing: the world's data, a pretrained base (unless one is
 * given), the readiness gate, GRPO with accuracy and format rewards on the R1-Zero template, and the evaluation
 * before and after. Every stage writes into the run folder and is skipped or resumed when the command is run again.
 */
@Command(name = "r1-zero", description = "World data → pretrain → readiness gate → GRPO → evaluation before and after.")
public final class R1ZeroCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny")
    String preset;

    @Option(names = "--out", defaultValue = "runs/r1-zero")
    Path out;

    @Option(names = "--base", description = "A pretrained base model folder (skips pretraining).")
    Path base;

    @Option(names = "--pretrain-tokens", defaultValue = "16000000")
    long pretrainTokens;

    @Option(names = "--train-problems", defaultValue = "20000")
    int trainProblems;

    @Option(names = "--test-problems", defaultValue = "500")
    int testProblems;

    @Option(names = "--k", defaultValue = "8")
    int k;

    @Option(names = "--force", description = "Run GRPO even if the base fails the readiness gate.")
    boolean force;

    @Mixin
    GrpoOptions grpo;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        Files.createDirectories(out);
        Path train = out.resolve("data/train.jsonl"), test = out.resolve("data/test.jsonl");
        World world = new World(World.Mix.defaults());
        // The pipeline's R1-Zero prompts: more from the hard levels, where RL has the most to elicit.
        writeTasks(new World(World.Mix.hardLevels()).tasks(Splits.Split.TRAIN, trainProblems, grpo.seed + 1), train);
        writeTasks(world.tasks(Splits.Split.TEST, testProblems, grpo.seed), test);
        Path baseModel = base;
        if (baseModel == null) {
            Path pre = out.resolve("base");
            Path corpus = pre.resolve("corpus.txt");
            Files.createDirectories(pre);
            if (!Files.isRegularFile(corpus)) {
                AtomicFiles.write(corpus, o -> {
                    var w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
                    r1j.data.Corpus.write(w, pretrainTokens + pretrainTokens / 4, r1j.data.Corpus.defaultMix(), grpo.seed);
                    w.flush();
                });
            }
            PretrainConfig pc = new PretrainConfig(preset, corpus.toAbsolutePath().toString(), null, 1024, pretrainTokens, 256, 16,
                    2e-3f, 2e-4f, 100, 0.1f, 1f, 0.001f, 0f, 0, 0.3f, 250, 4, 500, grpo.seed, 0);
            baseModel = Pretrainer.run(pc, pre, 0, System.err).finalModel();
        }
        Transformer bm = Checkpoint.load(baseModel, false);
        Tokenizer tok = Tokenizer.load(baseModel);
        BaseGate.Result gate = BaseGate.check(bm, tok, 200, grpo.seed, grpo.maxCompletion);
        System.err.printf("readiness gate: single steps %.1f%%, pass@8 %.1f%% → %s%n", 100 * gate.singleStep(), 100 * gate.passAt8(),
                gate.passed() ? "passed" : "FAILED");
        if (!gate.passed() && !force) {
            throw new UserError("the base fails the readiness gate (single steps ≥ 90 %, pass@8 ≥ 85 %): pretrain longer, or --force");
        }
        List<Map<String, Object>> before = evaluate(bm, tok, test, out.resolve("eval-base.jsonl"));
        GrpoTrainer.Result r = GrpoTrainer.run(grpo.config(), baseModel, train, out.resolve("grpo"), 0, System.err);
        Path fin = out.resolve("final");
        copyFolder(r.finalModel(), fin);
        List<Map<String, Object>> after = evaluate(Checkpoint.load(fin, false), tok, test, out.resolve("eval-r1-zero.jsonl"));
        System.out.printf("%-18s %10s %10s%n", "", "base", "R1-Zero");
        for (String key : List.of("pass@1", "cons@" + k, "pass@" + k, "greedy", "format", "language", "length", "reflection")) {
            System.out.printf("%-18s %10s %10s%n", key, before.get(0).get(key), after.get(0).get(key));
        }
        r1j.report.Html.write(List.of(out.resolve("grpo"), out), out.resolve("report.html"));
        System.out.println("final model: " + fin);
        System.out.println("report: " + out.resolve("report.html"));
        return 0;
    }

    private static void writeTasks(List<Problem> ps, Path file) throws IOException {
        if (Files.isRegularFile(file)) return;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Problem p : ps) rows.add(p.row());
        Jsonl.writeAll(file, rows);
    }

    private List<Map<String, Object>> evaluate(Transformer m, Tokenizer tok, Path test, Path result) throws IOException {
        if (Files.isRegularFile(result)) return Jsonl.readMaps(result);
        Evaluator.Options o = new Evaluator.Options(Templates.parse(grpo.template), k, 0.6f, 0.95f, grpo.maxCompletion, true, 64, grpo.seed);
        List<Map<String, Object>> rows = Report.slices(Evaluator.run(m, tok, Datasets.read(test, false).examples(), o), k);
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> row : rows) sb.append(Jsonl.write(row)).append('\n');
        AtomicFiles.writeString(result, sb.toString());
        EvalCommand.printTable(rows, k);
        return rows;
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path f : s.toList()) if (Files.isRegularFile(f)) Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
