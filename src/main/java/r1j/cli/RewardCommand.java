package r1j.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.reward.Rewards;
import r1j.reward.Sample;
import r1j.reward.Score;

/**
 * {@code r1j reward}: scores prompt/completion/answer rows with the rule-based rewards and writes one row per input,
 * {"rewards": {...}, "total": …}, then a summary (mean per reward) on stderr or to --summary.
 */
@Command(name = "reward", description = "Score completions with rule-based rewards.")
public final class RewardCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "JSONL rows with prompt, completion, answer (and optional language).")
    Path data;

    @Option(names = "--rewards", defaultValue = "accuracy,format",
            description = "accuracy, accuracy-strict, format, language, repetition, overlong; name@reasoning or @summary for a segment.")
    String rewards;

    @Option(names = "--weights", description = "Comma-separated weights (default: 1 each, 0.1 for format).")
    String weights;

    @Option(names = "--summary", description = "Write the summary here (JSON) instead of stderr.")
    Path summary;

    @Option(names = "--reasons", description = "Also write each reward's reason.")
    boolean reasons;

    @Option(names = "--json", description = "Accepted for uniformity: the rows are always JSON.")
    boolean json;

    @Option(names = "--skip-bad", description = "Skip malformed lines (counted in the summary) instead of failing.")
    boolean skipBad;

    @Override
    public Integer call() throws IOException {
        Rewards rs = Rewards.parse(rewards, weights);
        Map<String, double[]> sums = new LinkedHashMap<>();
        double[] totals = new double[2];
        List<Sample> pending = new ArrayList<>();
        PrintStream out = System.out;
        int skipped = 0;
        List<Jsonl.Line> lines = Jsonl.lines(data);
        if (lines.isEmpty()) throw new UserError(data + ": no rows");
        for (Jsonl.Line line : lines) {
            Jsonl.Row row = line.row();
            String prompt, completion;
            try {
                if (line.error() != null) throw new IllegalArgumentException(data + ":" + line.line() + ": " + line.error());
                prompt = text(row, "prompt");
                completion = text(row, "completion");
            } catch (IllegalArgumentException e) {
                if (!skipBad) throw e;
                skipped++;
                continue;
            }
            String answer = row.node().has("answer") && !row.node().get("answer").isNull() ? row.node().get("answer").asText() : null;
            Map<String, Object> meta = new LinkedHashMap<>();
            row.node().fields().forEachRemaining(e -> {
                if (!java.util.List.of("prompt", "completion", "answer").contains(e.getKey())) meta.put(e.getKey(), e.getValue().asText());
            });
            pending.add(new Sample(prompt, completion, answer, meta));
            if (pending.size() == BATCH) flush(rs, pending, sums, totals, out);
        }
        flush(rs, pending, sums, totals, out);
        int n = (int) totals[1];
        double total = totals[0];
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("rows", n);
        sum.put("skipped", skipped);
        Map<String, Object> means = new LinkedHashMap<>();
        for (var e : sums.entrySet()) means.put(e.getKey(), n == 0 ? 0 : Math.round(1e4 * e.getValue()[0] / n) / 1e4);
        sum.put("mean", means);
        sum.put("mean_total", n == 0 ? 0 : Math.round(1e4 * total / n) / 1e4);
        if (summary != null) {
            Files.writeString(summary, Jsonl.write(sum) + "\n", StandardCharsets.UTF_8);
        } else {
            System.err.println("rows " + n + (skipped > 0 ? " (" + skipped + " malformed skipped)" : "") + ", mean total " + sum.get("mean_total"));
            means.forEach((k, v) -> System.err.printf("  %-12s %s%n", k, v));
        }
        return 0;
    }

    /** Rows are scored in batches, so that a user's reward command or endpoint is called once per batch. */
    private static final int BATCH = 256;

    private void flush(Rewards rs, List<Sample> pending, Map<String, double[]> sums, double[] totals, PrintStream out) {
        List<Rewards.Result> results = rs.scoreAll(pending);
        for (Rewards.Result r : results) {
            Map<String, Object> o = new LinkedHashMap<>();
            Map<String, Object> vals = new LinkedHashMap<>();
            Map<String, Object> why = new LinkedHashMap<>();
            for (var e : r.parts().entrySet()) {
                Score s = e.getValue();
                vals.put(e.getKey(), s.value());
                why.put(e.getKey(), s.reason());
                sums.computeIfAbsent(e.getKey(), k -> new double[1])[0] += s.value();
            }
            o.put("rewards", vals);
            o.put("total", r.total());
            if (reasons) o.put("reasons", why);
            out.println(Jsonl.write(o));
            totals[0] += r.total();
            totals[1]++;
        }
        pending.clear();
    }

    private static String text(Jsonl.Row row, String field) {
        var v = row.field(field);
        if (!v.isTextual()) throw row.error("field '" + field + "' must be a string");
        return v.asText();
    }
}
