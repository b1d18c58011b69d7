package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.coldstart.ColdStart;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.AtomicFiles;
import r1j.io.Checkpoint;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.Tokenizer;

/**
 * {@code r1j coldstart}: the cold-start dataset of DeepSeek-R1 §2.3.1 from its three sources, each written to its own
 * JSONL file (skipped when present, so an interrupted run resumes), then filtered and merged into coldstart.jsonl
 * with summary.json saying how many rows each source gave and each filter dropped.
 */
@Command(name = "coldstart", description = "Cold-start data: few-shot long CoT, direct prompting with reflection, refined R1-Zero outputs.")
public final class ColdStartCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "The pretrained base (few-shot and direct prompting).")
    Path base;

    @Option(names = "--r1-zero", description = "An R1-Zero model whose outputs are refined (left out when not given).")
    Path r1Zero;

    @Option(names = "--data", required = true, description = "Prompt/answer JSONL of reasoning problems (r1j data tasks, train split).")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--problems", defaultValue = "1000", description = "Problems per source (distinct problems for each).")
    int problems;

    @Option(names = "--samples", defaultValue = "4", description = "Samples per problem.")
    int samples;

    @Option(names = "--shots", defaultValue = "2", description = "Worked examples in a few-shot prompt.")
    int shots;

    @Option(names = "--temperature", defaultValue = "0.8")
    float temperature;

    @Option(names = "--max-new-tokens", defaultValue = "160")
    int maxNewTokens;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--json", description = "One JSON object per source on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        List<Datasets.Example> all = new ArrayList<>();
        for (Datasets.Example e : Datasets.read(data, false).examples()) if (e.answer() != null) all.add(e);
        int sources = r1Zero == null ? 2 : 3;
        if (all.size() < sources * problems) problems = all.size() / sources;
        if (problems < 1) throw new UserError(data + ": not enough prompt/answer rows");
        Files.createDirectories(out);
        var base = Checkpoint.load(this.base, false);
        Tokenizer tok = Tokenizer.load(this.base);
        ColdStart.Sampling s = new ColdStart.Sampling(samples, temperature, maxNewTokens, seed);
        Map<String, List<Map<String, Object>>> raw = new LinkedHashMap<>();
        raw.put("fewshot", step("fewshot", () -> ColdStart.fewShot(base, tok, all.subList(0, problems), examples(), shots, s)));
        raw.put("direct", step("direct", () -> ColdStart.direct(base, tok, all.subList(problems, 2 * problems), s)));
        if (r1Zero != null) {
            var z = Checkpoint.load(r1Zero, false);
            raw.put("r1zero", step("r1zero", () -> ColdStart.refined(z, Tokenizer.load(r1Zero), all.subList(2 * problems, 3 * problems), s)));
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        raw.values().forEach(merged::addAll);
        ColdStart.Filtered f = ColdStart.filter(merged);
        Jsonl.writeAll(out.resolve("coldstart.jsonl"), f.rows());
        List<Map<String, Object>> summary = new ArrayList<>();
        for (var e : raw.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", e.getKey());
            row.put("problems", problems);
            row.put("samples", problems * samples);
            row.put("candidates", e.getValue().size());
            row.put("kept", f.rows().stream().filter(r -> e.getKey().equals(r.get("source"))).count());
            summary.add(row);
        }
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("source", "all");
        total.put("candidates", merged.size());
        total.put("kept", f.rows().size());
        total.put("dropped", f.dropped());
        summary.add(total);
        AtomicFiles.writeString(out.resolve("summary.json"), Jsonl.write(summary) + "\n");
        if (json) {
            for (Map<String, Object> r : summary) System.out.println(Jsonl.write(r));
        } else {
            System.out.printf("%-8s %9s %9s %11s %7s%n", "source", "problems", "samples", "candidates", "kept");
            for (Map<String, Object> r : summary.subList(0, summary.size() - 1)) {
                System.out.printf("%-8s %9s %9s %11s %7s%n", r.get("source"), r.get("problems"), r.get("samples"), r.get("candidates"), r.get("kept"));
            }
            System.out.printf("%-8s %9s %9s %11d %7d   dropped: %s%n", "all", "", "", merged.size(), f.rows().size(), f.dropped());
            System.out.println(out.resolve("coldstart.jsonl"));
        }
        return 0;
    }

    private interface Source {
        List<Map<String, Object>> rows() throws Exception;
    }

    /** One source's rows: read back when its file exists, else generated and written. */
    private List<Map<String, Object>> step(String name, Source src) throws Exception {
        Path file = out.resolve(name + ".jsonl");
        if (Files.isRegularFile(file)) return Jsonl.readMaps(file);
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows = src.rows();
        Jsonl.writeAll(file, rows);
        System.err.printf("%s: %d candidate rows in %.0f s → %s%n", name, rows.size(), (System.nanoTime() - t0) / 1e9, file);
        return rows;
    }

    /** Worked examples for few-shot prompts: world problems of levels 2–3, written in the readable format. */
    private List<Datasets.Example> examples() {
        List<Datasets.Example> ex = new ArrayList<>();
        for (Problem p : new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 400, seed + 1000)) {
            if (p.expr() == null || p.difficulty() < 2 || p.difficulty() > 3) continue;
            ex.add(new Datasets.Example(0, p.prompt(), p.answer(), ColdStart.worked(p.expr(), p.answer(), p.language()), null,
                    Map.of("language", p.language())));
        }
        return ex;
    }
}
