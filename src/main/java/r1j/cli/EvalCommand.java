package r1j.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.eval.Evaluator;
import r1j.eval.Report;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;

/** {@code r1j eval}: the R1 evaluation protocol on a prompt/answer JSONL, overall and by slice. */
@Command(name = "eval", description = "pass@1 over k samples, cons@k, pass@k, greedy accuracy, format, readable, language, length, reflection.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--adapter", description = "A LoRA adapter folder (PEFT's format) to apply on the model.")
    Path adapter;

    @picocli.CommandLine.Mixin
    FrozenDtypeOption frozenDtype = new FrozenDtypeOption();

    @Option(names = "--data", required = true, description = "JSONL with prompt and answer (r1j data tasks).")
    Path data;

    @Option(names = "--template", defaultValue = "r1-zero")
    String template;

    @Option(names = "--k", defaultValue = "8")
    int k;




    @Option(names = "--limit", description = "Evaluate only the first N problems.")
    Integer limit;

    @Option(names = "--no-greedy", description = "Skip the greedy sample.")
    boolean noGreedy;


    @Option(names = "--slice-by", split = ",", paramLabel = "FIELD", description = "Group the table by these fields of "
            + "the rows (e.g. source,level) instead of the world's slices (difficulty, language, category, trap, safety).")
    List<String> sliceBy;

    @Option(names = "--json", description = "One JSON object per slice on stdout.")
    boolean json;

    @Mixin
    SamplingOptions sampling = SamplingOptions.evaluation(160);

    @Option(names = "--save-samples", description = "Write every sample with its judgement to this JSONL file.")
    Path saveSamples;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        Transformer m = Checkpoint.loadFrozen(model, adapter, frozenDtype.dtype());
        Tokenizer tok = Tokenizer.load(model);
        if (k < 1) throw new UserError("--k must be ≥ 1, got " + k);
        List<Datasets.Example> ex = Datasets.read(data, false).examples();
        if (ex.isEmpty()) throw new UserError(data + ": no rows");
        for (Datasets.Example e : ex) {
            if (e.answer() == null) throw new UserError(data + ":" + e.line() + ": eval needs prompt/answer rows");
        }
        if (limit != null) ex = ex.subList(0, Math.min(limit, ex.size()));
        Evaluator.Options o = Evaluator.Options.builder().template(PromptFormat.resolve(template, model))
                .k(k).temperature(sampling.temperature).topP(sampling.topP)
                .maxNewTokens(sampling.maxNewTokens).greedy(!noGreedy).seed(sampling.seed).build();
        long t0 = System.nanoTime();
        if (cluster.enabled() && adapter != null) throw new UserError("--cluster samples from model folders: merge the adapter first (r1j merge)");
        List<Evaluator.ProblemResult> rs;
        try (r1j.generate.Rollouts workers = cluster.connect(r1j.cluster.ModelSpec.sampler(JobSettings.path(model)), tok)) {
            rs = Evaluator.run(m, tok, ex, o, workers);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (saveSamples != null) {
            try (PrintStream ps = new PrintStream(Files.newOutputStream(saveSamples), false, StandardCharsets.UTF_8)) {
                for (Evaluator.ProblemResult r : rs) {
                    for (int i = 0; i < r.samples().size(); i++) {
                        Evaluator.Judged j = r.samples().get(i);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("prompt", r.problem().prompt());
                        row.put("answer", r.problem().answer());
                        row.put("sample", i);
                        row.put("completion", j.completion());
                        row.put("extracted", j.answer());
                        row.put("correct", j.correct());
                        row.put("format", j.style().format());
                        row.put("readable", j.style().readable());
                        row.put("clean", j.style().clean());
                        row.put("reflection", j.style().reflection());
                        row.put("language", j.style().language());
                        row.put("tokens", j.tokens());
                        row.put("finish", j.finish());
                        row.putAll(r.problem().meta());
                        ps.println(Jsonl.write(row));
                    }
                }
            }
        }
        List<Map<String, Object>> rows = Report.slices(rs, k, sliceBy == null ? r1j.data.World.SLICES : r1j.data.Slice.fields(sliceBy));
        if (json) {
            for (Map<String, Object> r : rows) System.out.println(Jsonl.write(r));
        } else {
            printTable(rows, k);
            System.err.printf("%d problems × %d samples in %.1f s%n", rs.size(), k, secs);
        }
        return 0;
    }

    static void printTable(List<Map<String, Object>> rows, int k) {
        System.out.printf("%-16s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s%n", "slice", "problems", "pass@1", "cons@" + k, "pass@" + k,
                "greedy", "format", "readable", "clean", "language", "length", "reflect");
        for (Map<String, Object> r : rows) {
            System.out.printf("%-16s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s%n", r.get("slice"), r.get("problems"), pct(r.get("pass@1")),
                    pct(r.get("cons@" + k)), pct(r.get("pass@" + k)), pct(r.get("greedy")), pct(r.get("format")),
                    pct(r.get("readable")), pct(r.get("clean")), pct(r.get("language")), r.get("length"), pct(r.get("reflection")));
        }
    }

    static String pct(Object v) {
        return v == null ? "-" : String.format("%.1f%%", 100 * ((Number) v).doubleValue());
    }
}
