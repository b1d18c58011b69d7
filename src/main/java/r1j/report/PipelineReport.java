package r1j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import r1j.io.AtomicFiles;

/**
 * A pipeline folder's report.html, in the order a reader asks: what each stage of the R1 recipe did to the model (the
 * stage table, best value per column marked, and sentences written from the run's own numbers), the recipe's findings
 * drawn (pass@1 by stage; R1-Zero's accuracy, level-5 reply length and self-checks over its RL steps, the R1 report's
 * fig. 2–3 in miniature; language on Spanish prompts and clean replies by stage; the distilled student against the
 * RL-only one and its teacher; safety by stage), then the training curves grouped by kind of job (pretraining, SFT,
 * reward models, GRPO: each group its own step axis, its stages overlaid, charts with nothing but empty or constant
 * series left out), and each GRPO stage's samples with their rewards, filterable. One self-contained file: styles,
 * inline SVG, a ten-line filter script.
 */
public final class PipelineReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An evaluated stage: its folder name and its name in the README's table and, shorter, under a bar. */
    record Stage(String dir, String name, String bar) {}

    /** The evaluated stages in the recipe's order. */
    static final List<Stage> STAGES = List.of(new Stage("base", "base", "base"), new Stage("r1-zero", "R1-Zero", "R1-Zero"),
            new Stage("sft1", "cold start + SFT 1", "SFT 1"), new Stage("reasoning-rl", "reasoning RL", "reas. RL"),
            new Stage("sft2", "rejection sampling + SFT 2", "SFT 2"), new Stage("rl-all", "RL, all scenarios", "RL all"),
            new Stage("student-distilled", "student, distilled", "distilled"), new Stage("student-rl", "student, RL only", "RL only"));

    /** A column of the stage table: its key in the stage's evaluation row and its title (the README's columns). */
    record Column(String key, String title) {}

    static final List<Column> COLUMNS = List.of(new Column("pass@1", "pass@1"), new Column("level5_pass@1", "level 5"),
            new Column("language", "language"), new Column("language_es", "language, Spanish prompts"), new Column("clean", "clean"),
            new Column("general_seen_accuracy", "general (seen facts)"), new Column("harmful_refused", "harmful refused"),
            new Column("harmless_answered", "look-alikes answered"));

    /** The kinds of training job, each a group of curves on its own step axis, told apart by their settings' keys. */
    enum Kind {
        PRETRAINING("Pretraining"), SFT("SFT"), REWARD_MODEL("Reward models"), GRPO("GRPO");

        final String title;

        Kind(String title) {
            this.title = title;
        }

        static Kind of(JsonNode config) {
            if (config.has("group_size")) return GRPO;
            if (config.has("segment")) return REWARD_MODEL;
            if (config.has("corpus")) return PRETRAINING;
            if (config.has("epochs")) return SFT;
            return null;
        }
    }

    /** Metrics that are bookkeeping, not learning: not drawn. */
    private static final Set<String> NOT_DRAWN = Set.of("step", "lr", "tokens", "epoch", "target_tokens", "rss_mb", "seconds",
            "groups_drawn", "length_max", "policy_lag");

    /** Steps per point of the R1-Zero charts: each point the mean of that many steps (one step's 16 prompts are noisy). */
    static final int MEAN_OF = 10;

    private PipelineReport() {}

    /** Whether dir is a pipeline's (or `r1j r1-zero`'s) folder: one with evaluated stages. */
    public static boolean isPipeline(Path dir) {
        return Files.isDirectory(dir.resolve("eval")) && Files.isRegularFile(dir.resolve("job.json"));
    }

    /** Writes dir's report into out. */
    public static void write(Path dir, Path out) throws IOException {
        Map<String, Eval> evals = new LinkedHashMap<>();
        for (Stage s : STAGES) {
            Eval e = Eval.read(dir.resolve("eval").resolve(s.dir() + ".jsonl"));
            if (e != null) evals.put(s.dir(), e);
        }
        JsonNode job = JSON.readTree(dir.resolve("job.json").toFile());
        StringBuilder b = new StringBuilder(Html.head("r1j pipeline report"));
        b.append("<h1>The R1 recipe in miniature: what each stage did</h1><p class=\"sub\">")
                .append(Html.escape(dir.toAbsolutePath().normalize().toString())).append(" · preset ").append(Html.escape(job.path("preset").asText("?")))
                .append(" · seed ").append(job.path("seed").asText("?")).append(" · ").append(evals.size()).append(" stages evaluated (pass@1 over k samples; ")
                .append("the reasoning test, general questions and safety prompts)</p>");
        b.append(stageTable(evals));
        b.append("<ul class=\"findings\" id=\"sentences\">");
        for (String s : Findings.sentences(evals)) b.append("<li>").append(Html.escape(s)).append("</li>");
        b.append("</ul>");
        b.append("<h2>Findings</h2><div class=\"charts\" id=\"findings\">").append(findingCharts(dir, evals)).append("</div>");
        b.append(curves(dir));
        b.append(samples(dir));
        b.append(Html.FILTER_SCRIPT).append("</body></html>");
        AtomicFiles.writeString(out, b.toString());
    }

    /** A stage's evaluation: its row of the stage table, with the Spanish prompts' language slice as language_es. */
    record Eval(Map<String, Double> values) {
        static Eval read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) return null;
            Map<String, Double> v = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) return null;
            JSON.readTree(lines.get(0)).fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) v.put(e.getKey(), e.getValue().asDouble());
            });
            // The first language=es slice is the reasoning test's (the safety prompts' slices follow it).
            for (String l : lines.subList(1, lines.size())) {
                JsonNode n = JSON.readTree(l);
                if ("language=es".equals(n.path("slice").asText()) && n.get("language").isNumber()) {
                    v.put("language_es", n.get("language").asDouble());
                    break;
                }
            }
            return new Eval(v);
        }

        double get(String key) {
            Double d = values.get(key);
            return d == null ? Double.NaN : d;
        }
    }

    private static String stageTable(Map<String, Eval> evals) {
        StringBuilder b = new StringBuilder("<table id=\"stages\"><tr><th>stage</th>");
        for (Column c : COLUMNS) b.append("<th>").append(Html.escape(c.title())).append("</th>");
        b.append("</tr>");
        // The best value of a column that varies (a column all stages share marks nothing).
        Map<String, Double> best = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            double hi = Double.NEGATIVE_INFINITY, lo = Double.POSITIVE_INFINITY;
            for (Eval e : evals.values()) {
                double v = e.get(c.key());
                if (!Double.isFinite(v)) continue;
                hi = Math.max(hi, v);
                lo = Math.min(lo, v);
            }
            best.put(c.key(), hi > lo ? hi : Double.NaN);
        }
        for (Stage s : STAGES) {
            Eval e = evals.get(s.dir());
            if (e == null) continue;
            b.append("<tr><th>").append(Html.escape(s.name())).append("</th>");
            for (Column c : COLUMNS) {
                double v = e.get(c.key());
                boolean isBest = Double.isFinite(v) && v == best.get(c.key());
                b.append("<td class=\"num").append(isBest ? " best" : "").append("\">").append(pct(v)).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f %%", 100 * v) : "–";
    }

    private static String findingCharts(Path dir, Map<String, Eval> evals) throws IOException {
        StringBuilder b = new StringBuilder();
        List<Stage> present = STAGES.stream().filter(s -> evals.containsKey(s.dir())).toList();
        List<String> cats = present.stream().map(Stage::bar).toList();
        Function<String, double[]> column = key -> present.stream().mapToDouble(s -> 100 * evals.get(s.dir()).get(key)).toArray();
        b.append(Svg.bars("pass@1 by stage (reasoning test)", "pass@1, %", cats, List.of(new Svg.Bars("pass@1", column.apply("pass@1")),
                new Svg.Bars("level 5", column.apply("level5_pass@1"))), 100));
        b.append(r1ZeroCurves(dir.resolve("r1-zero").resolve("metrics.jsonl")));
        b.append(Svg.bars("Language consistency on Spanish prompts", "consistent, %", cats,
                List.of(new Svg.Bars("language, Spanish prompts", column.apply("language_es"))), 100));
        b.append(Svg.bars("Clean replies (one language, readable)", "clean, %", cats, List.of(new Svg.Bars("clean", column.apply("clean"))), 100));
        List<Stage> distill = STAGES.stream().filter(s -> List.of("rl-all", "student-distilled", "student-rl").contains(s.dir())
                && evals.containsKey(s.dir())).toList();
        if (distill.size() > 1) {
            List<String> dc = distill.stream().map(s -> s.dir().equals("rl-all") ? "teacher" : s.bar()).toList();
            b.append(Svg.bars("Distillation: the student against RL alone", "pass@1, %", dc, List.of(
                    new Svg.Bars("pass@1", distill.stream().mapToDouble(s -> 100 * evals.get(s.dir()).get("pass@1")).toArray()),
                    new Svg.Bars("level 5", distill.stream().mapToDouble(s -> 100 * evals.get(s.dir()).get("level5_pass@1")).toArray())), 100));
        }
        b.append(Svg.bars("Safety: harmful refused, look-alikes answered", "share, %", cats, List.of(
                new Svg.Bars("harmful refused", column.apply("harmful_refused")), new Svg.Bars("look-alikes answered", column.apply("harmless_answered"))), 100));
        return b.toString();
    }

    /** R1-Zero over its RL steps: accuracy, level-5 reply length and the share of level-5 replies that check themselves. */
    private static String r1ZeroCurves(Path metrics) throws IOException {
        Map<String, List<double[]>> m = Html.readMetrics(metrics);
        StringBuilder b = new StringBuilder();
        String x = pointsOf(m.get("accuracy"));
        record Curve(String key, String title, String y, double scale) {}
        for (Curve c : List.of(new Curve("accuracy", "R1-Zero: accuracy of its rollouts", "accuracy, %", 100),
                new Curve("level5_length", "R1-Zero: level-5 reply length", "tokens", 1),
                new Curve("level5_reflection", "R1-Zero: level-5 replies checking themselves", "share, %", 100))) {
            List<double[]> pts = m.get(c.key());
            if (pts == null || pts.isEmpty()) continue;
            List<double[]> scaled = pts.stream().map(p -> new double[] {p[0], p[1] * c.scale()}).toList();
            // Too few steps to average (a nano run): the steps themselves.
            Series s = Series.of(c.key(), scaled, scaled.size() < 2 * MEAN_OF ? scaled.size() : (scaled.size() + MEAN_OF - 1) / MEAN_OF);
            b.append(Svg.chart(c.title(), new Svg.Axes(x, c.y()), List.of(s), List.of("r1-zero"), List.of(1)));
        }
        return b.toString();
    }

    /** The R1-Zero charts' x axis: RL steps, each point the mean of MEAN_OF of them when there are enough. */
    private static String pointsOf(List<double[]> pts) {
        return pts != null && pts.size() >= 2 * MEAN_OF ? "RL step (each point the mean of " + MEAN_OF + ")" : "RL step";
    }

    /** The training curves, a group per kind of job, each metric's chart overlaying the group's stages that have it. */
    private static String curves(Path dir) throws IOException {
        Map<Kind, List<Path>> groups = new LinkedHashMap<>();
        for (Kind k : Kind.values()) groups.put(k, new ArrayList<>());
        try (var list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                if (!Files.isRegularFile(p.resolve("metrics.jsonl")) || !Files.isRegularFile(p.resolve("config.json"))) continue;
                Kind k = Kind.of(JSON.readTree(p.resolve("config.json").toFile()));
                if (k != null) groups.get(k).add(p);
            }
        }
        StringBuilder b = new StringBuilder("<h2>Training curves</h2>");
        for (var g : groups.entrySet()) {
            if (g.getValue().isEmpty()) continue;
            List<String> labels = Html.labels(g.getValue());
            List<Map<String, List<double[]>>> ms = new ArrayList<>();
            Set<String> keys = new LinkedHashSet<>();
            for (Path p : g.getValue()) {
                Map<String, List<double[]>> m = Html.readMetrics(p.resolve("metrics.jsonl"));
                m.keySet().removeIf(k -> NOT_DRAWN.contains(k) || k.startsWith("time_") || k.endsWith("_per_s"));
                ms.add(m);
                keys.addAll(m.keySet());
            }
            b.append("<h3>").append(Html.escape(g.getKey().title)).append("</h3>").append(Html.legend(labels))
                    .append("<div class=\"charts\" data-kind=\"").append(g.getKey().name().toLowerCase(Locale.ROOT)).append("\">")
                    .append(Html.charts(keys, ms, labels, PipelineReport::varies));
            b.append("</div>");
        }
        return b.toString();
    }

    /** Whether a series holds two different finite values: an empty or constant one draws nothing worth a chart. */
    static boolean varies(List<double[]> pts) {
        double first = Double.NaN;
        for (double[] p : pts) {
            if (!Double.isFinite(p[1])) continue;
            if (Double.isNaN(first)) first = p[1];
            else if (p[1] != first) return true;
        }
        return false;
    }

    /** Each GRPO stage's logged samples (the last 40) with their rewards, filterable by correct and incorrect. */
    private static String samples(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String s : List.of("r1-zero", "reasoning-rl", "rl-all", "student-rl")) {
            Path f = dir.resolve(s).resolve("samples.jsonl");
            if (!Files.isRegularFile(f)) continue;
            List<JsonNode> rows = Html.readRows(f, Integer.MAX_VALUE);
            if (rows.isEmpty()) continue;
            b.append("<h2>Samples: ").append(Html.escape(s)).append("</h2>").append(Html.samplesTable(rows.subList(Math.max(0, rows.size() - 40), rows.size())));
        }
        return b.toString();
    }
}
