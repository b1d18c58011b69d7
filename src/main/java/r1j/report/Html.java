package r1j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import r1j.io.AtomicFiles;

/**
 * {@code r1j report}: one self-contained report.html for one or more run folders (styles and the small filter script
 * inlined, charts as inline SVG): the settings, a chart per metric of metrics.jsonl with several runs overlaid, the
 * evaluation tables (eval*.jsonl), and the samples with their rewards, filterable by correct and incorrect. Long
 * series are averaged into at most 400 points, so the report stays small for runs of thousands of steps.
 */
public final class Html {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_POINTS = 400;
    private static final Set<String> NOT_PLOTTED = Set.of("step", "tokens", "lr");

    private Html() {}

    public static void write(List<Path> runs, Path out) throws IOException {
        StringBuilder b = new StringBuilder(head("r1j report"));
        b.append("<h1>r1j report</h1>");
        List<String> labels = labels(runs);
        b.append(legend(labels));
        // curves
        List<Map<String, List<double[]>>> metrics = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (Path r : runs) {
            Map<String, List<double[]>> m = readMetrics(r.resolve("metrics.jsonl"));
            metrics.add(m);
            keys.addAll(m.keySet());
        }
        b.append("<h2>Curves</h2><div class=\"charts\">").append(charts(keys, metrics, labels, pts -> true));
        b.append("</div>");
        if (runs.size() > 1) b.append(comparison(keys, metrics, labels));
        // settings and evaluations
        for (int i = 0; i < runs.size(); i++) {
            Path r = runs.get(i);
            b.append("<h2>").append(escape(labels.get(i))).append("</h2>");
            Path cfg = r.resolve("config.json");
            if (Files.isRegularFile(cfg)) b.append("<h3>Settings</h3>").append(kvTable(JSON.readTree(cfg.toFile())));
            try (var s = Files.list(r)) {
                for (Path e : s.filter(p -> p.getFileName().toString().startsWith("eval") && p.toString().endsWith(".jsonl")).sorted().toList()) {
                    b.append("<h3>").append(escape(e.getFileName().toString())).append("</h3>").append(rowsTable(readRows(e, 1000)));
                }
            }
            Path samples = r.resolve("samples.jsonl");
            if (Files.isRegularFile(samples)) b.append(samplesTable(readRows(samples, 300)));
        }
        b.append(FILTER_SCRIPT).append("</body></html>");
        AtomicFiles.writeString(out, b.toString());
    }

    /**
     * One chart per key, overlaying the runs whose series of it the filter draws (run i in its colour); a key no run
     * draws gets no chart.
     */
    static String charts(Set<String> keys, List<Map<String, List<double[]>>> metrics, List<String> labels,
                         java.util.function.Predicate<List<double[]>> drawn) {
        StringBuilder b = new StringBuilder();
        for (String k : keys) {
            List<Series> series = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int i = 0; i < metrics.size(); i++) {
                List<double[]> pts = metrics.get(i).get(k);
                if (pts == null || !drawn.test(pts)) continue;
                series.add(Series.of(k, pts, MAX_POINTS));
                names.add(labels.get(i));
                which.add(i);
            }
            if (!series.isEmpty()) b.append(Svg.chart(k, series, names, which));
        }
        return b.toString();
    }

    /** Each run's name in its colour. */
    static String legend(List<String> labels) {
        StringBuilder b = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < labels.size(); i++) {
            b.append("<span style=\"color:").append(Svg.color(i)).append("\">■ ").append(escape(labels.get(i))).append("</span>");
        }
        return b.append("</div>").toString();
    }

    /** The page's head: its title and the inlined styles every report shares. */
    static String head(String title) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title><style>"
                + "body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:28px}"
                + ".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #e5e7eb;background:#fff}"
                + ".title{font-size:12px;font-weight:600}.tick{font-size:10px;fill:#555}.frame{fill:none;stroke:#ccc}"
                + ".grid{stroke:#f0f0f0}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;"
                + "text-align:left;vertical-align:top}th{background:#f7f7f7}.ok{color:#15803d}.bad{color:#b91c1c}"
                + "pre{white-space:pre-wrap;margin:0;max-width:760px}.legend span{margin-right:14px}"
                + "td.best{font-weight:700;background:#ecfdf5}td.num{text-align:right;white-space:nowrap}#stages th{white-space:nowrap}"
                + ".findings li{margin:2px 0;max-width:1100px}"
                + "h1{margin:0 0 4px}.sub{color:#555;margin:0 0 8px}</style></head><body>";
    }

    /** The sample tables' filter (correct, incorrect, all), run by their select element. */
    static final String FILTER_SCRIPT = "<script>function filt(v){document.querySelectorAll('tr.sample').forEach(function(t){"
            + "t.style.display=(v==='all'||t.dataset.correct===v)?'':'none';});}</script>";

    static Map<String, List<double[]>> readMetrics(Path file) throws IOException {
        Map<String, List<double[]>> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return m;
        int line = 0;
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line++;
            if (l.isBlank()) continue;
            JsonNode n = JSON.readTree(l);
            double step = n.has("step") ? n.get("step").asDouble() : line;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (NOT_PLOTTED.contains(e.getKey()) || !e.getValue().isNumber()) continue;
                m.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {step, e.getValue().asDouble()});
            }
        }
        return m;
    }

    /** The last value of every metric, one column per run. */
    /**
     * A run's label is its folder's name, or its last two path elements where names repeat (the same stage of several
     * seeds: s1/r1-zero, s2/r1-zero).
     */
    static List<String> labels(List<Path> runs) {
        List<String> names = new ArrayList<>();
        for (Path r : runs) names.add(r.getFileName() == null ? r.toString() : r.getFileName().toString());
        if (new LinkedHashSet<>(names).size() == names.size()) return names;
        List<String> out = new ArrayList<>();
        for (Path r : runs) {
            Path a = r.toAbsolutePath().normalize();
            out.add(a.getParent() == null || a.getParent().getFileName() == null ? a.toString()
                    : a.getParent().getFileName() + "/" + a.getFileName());
        }
        return out;
    }

    private static String comparison(Set<String> keys, List<Map<String, List<double[]>>> metrics, List<String> labels) {
        StringBuilder b = new StringBuilder("<h2>Comparison (last value)</h2><table><tr><th>metric</th>");
        for (String l : labels) b.append("<th>").append(escape(l)).append("</th>");
        b.append("</tr>");
        for (String k : keys) {
            b.append("<tr><th>").append(escape(k)).append("</th>");
            for (Map<String, List<double[]>> m : metrics) {
                List<double[]> pts = m.get(k);
                b.append("<td>").append(pts == null || pts.isEmpty() ? "-" : Svg.fmt(pts.get(pts.size() - 1)[1])).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    static List<JsonNode> readRows(Path file, int max) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (l.isBlank()) continue;
            rows.add(JSON.readTree(l));
            if (rows.size() >= max) break;
        }
        return rows;
    }

    static String kvTable(JsonNode n) {
        StringBuilder b = new StringBuilder("<table>");
        n.fields().forEachRemaining(e -> b.append("<tr><th>").append(escape(e.getKey())).append("</th><td>")
                .append(escape(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())).append("</td></tr>"));
        return b.append("</table>").toString();
    }

    static String rowsTable(List<JsonNode> rows) {
        if (rows.isEmpty()) return "";
        StringBuilder b = new StringBuilder("<table><tr>");
        List<String> cols = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(cols::add);
        for (String c : cols) b.append("<th>").append(escape(c)).append("</th>");
        b.append("</tr>");
        for (JsonNode r : rows) {
            b.append("<tr>");
            for (String c : cols) {
                JsonNode v = r.get(c);
                String s = v == null || v.isNull() ? "-" : v.isNumber() && v.asDouble() <= 1 && v.asDouble() >= 0 && !c.equals("problems")
                        ? String.format(java.util.Locale.ROOT, "%.1f%%", 100 * v.asDouble()) : v.asText();
                b.append("<td>").append(escape(s)).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    static String samplesTable(List<JsonNode> rows) {
        StringBuilder b = new StringBuilder("<h3>Samples</h3><p>Show: <select onchange=\"filt(this.value)\">")
                .append("<option value=\"all\">all</option><option value=\"yes\">correct</option><option value=\"no\">incorrect</option>")
                .append("</select></p><table><tr><th>step</th><th>prompt</th><th>completion</th><th>rewards</th></tr>");
        for (JsonNode r : rows) {
            boolean correct = r.path("rewards").path("accuracy").asDouble(0) > 0 || r.path("correct").asBoolean(false);
            b.append("<tr class=\"sample\" data-correct=\"").append(correct ? "yes" : "no").append("\"><td>")
                    .append(r.path("step").asText("")).append("</td><td>").append(escape(r.path("prompt").asText()))
                    .append("<br><small>answer ").append(escape(r.path("answer").asText())).append("</small></td><td><pre>")
                    .append(escape(r.path("completion").asText())).append("</pre></td><td class=\"").append(correct ? "ok" : "bad")
                    .append("\">").append(escape(r.path("rewards").toString())).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
