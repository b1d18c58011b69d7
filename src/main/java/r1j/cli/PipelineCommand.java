package r1j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;

/** {@code r1j pipeline}: every stage of the R1 recipe in order, each in its own folder, resumable; a table and a report. */
@Command(name = "pipeline", description = "The whole R1 recipe: data → base → R1-Zero → cold start → SFT 1 → reasoning RL → "
        + "rejection sampling → SFT 2 → reward models → RL for all scenarios → distillation (and its RL-only control) → "
        + "evaluation of every stage → report. Re-running resumes; complete stages are skipped.")
public final class PipelineCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/pipeline")
    Path out;

    @Mixin
    PipelineOptions options;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        long t0 = System.nanoTime();
        List<Map<String, Object>> table = options.pipeline(out).run();
        options.print(table);
        if (!options.json) {
            System.out.printf("wall time of this invocation: %.1f min; report: %s%n", (System.nanoTime() - t0) / 60e9, out.resolve("report.html"));
        }
        return 0;
    }

    static void printTable(List<Map<String, Object>> rows, int k) {
        String[] keys = {"pass@1", "cons@" + k, "pass@" + k, "traps_pass@1", "level5_pass@1", "format", "readable", "clean", "language",
            "general_accuracy", "general_seen_accuracy", "harmful_refused", "harmless_answered", "rm_helpfulness", "rm_harmlessness", "length", "level5_length",
            "reflection", "level5_reflection", "parameters_active"};
        System.out.printf("%-18s", "metric");
        for (Map<String, Object> r : rows) System.out.printf(" %12s", r.get("stage"));
        System.out.println();
        for (String key : keys) {
            System.out.printf("%-18s", key);
            for (Map<String, Object> r : rows) {
                Object v = r.get(key);
                System.out.printf(" %12s", key.contains("length") || key.startsWith("rm_") || key.startsWith("param") ? String.valueOf(v) : EvalCommand.pct(v));
            }
            System.out.println();
        }
    }
}
