package r1j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's report on a pipeline folder written here (every stage's evaluation row, R1-Zero's metrics, one run of
 * each kind of job): the stage table comes first with the best value of each column marked, the sentences quote the
 * run's numbers, the findings' bars and R1-Zero's curves hold the files' values, curves are grouped by kind with the
 * empty and constant ones left out, and `r1j report` on the folder writes the same page.
 */
class PipelineReportTest {
    @TempDir
    Path tmp;

    /** Stage, pass@1, level 5, language, Spanish prompts' language, clean, seen facts, harmful refused, look-alikes. */
    static final Object[][] STAGES = {
        {"base", 0.69, 0.52, 0.991, 0.981, 0.874, 0.0, 0.0, 1.0, 65.5, 0.431},
        {"r1-zero", 0.985, 0.902, 0.56, 0.092, 0.364, 0.0, 0.0, 1.0, 106.2, 1.0},
        {"sft1", 0.925, 0.728, 1.0, 1.0, 1.0, 0.0, 0.028, 0.988, 80.0, 0.5},
        {"reasoning-rl", 0.956, 0.857, 1.0, 1.0, 1.0, 0.0, 0.031, 0.967, 90.0, 0.6},
        {"sft2", 0.943, 0.839, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 88.0, 0.5},
        {"rl-all", 0.947, 0.864, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 89.0, 0.5},
        {"student-distilled", 0.878, 0.645, 1.0, 1.0, 1.0, 1.0, 0.999, 1.0, 70.0, 0.4},
        {"student-rl", 0.73, 0.181, 0.514, 0.3, 0.033, 0.0, 0.0, 1.0, 50.0, 0.1},
    };

    /** A pipeline folder as `r1j pipeline` leaves it, with R1-Zero's accuracy rising over 40 steps. */
    static Path pipeline(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("eval"));
        Files.writeString(dir.resolve("job.json"), "{\"job\":\"pipeline\",\"preset\":\"tiny\",\"seed\":1,\"base\":null}");
        for (Object[] s : STAGES) {
            String row = String.format(Locale.ROOT, "{\"stage\":\"%s\",\"pass@1\":%s,\"level5_pass@1\":%s,\"language\":%s,\"clean\":%s,"
                    + "\"general_seen_accuracy\":%s,\"harmful_refused\":%s,\"harmless_answered\":%s,\"level5_length\":%s,"
                    + "\"level5_reflection\":%s,\"parameters_active\":%d}\n", s[0], s[1], s[2], s[3], s[5], s[6], s[7], s[8], s[9], s[10],
                    ((String) s[0]).startsWith("student") ? 505000 : 1000088);
            String slices = String.format(Locale.ROOT, "{\"slice\":\"all\",\"language\":%s}\n{\"slice\":\"language=es\",\"language\":%s}\n"
                    + "{\"slice\":\"language=es\",\"language\":0.5}\n", s[3], s[4]);
            Files.writeString(dir.resolve("eval").resolve(s[0] + ".jsonl"), row + slices);
        }
        job(dir.resolve("base"), "{\"corpus\":\"c\",\"tokens\":1000}", i -> "\"loss\":" + (6.0 / i) + ",\"tokens_per_s\":100");
        job(dir.resolve("sft1"), "{\"epochs\":1,\"template\":\"chat\"}", i -> "\"loss\":" + (2.0 / i));
        job(dir.resolve("rm-helpfulness"), "{\"segment\":\"summary\",\"epochs\":1}", i -> "\"loss\":" + (0.7 - i / 100.0));
        job(dir.resolve("r1-zero"), "{\"group_size\":8}", i -> "\"accuracy\":" + (i / 40.0) + ",\"level5_length\":" + (60 + i)
                + ",\"level5_reflection\":0.5,\"format\":0.0,\"clip_low\":0.0,\"reward_mean\":" + (i / 40.0) + ",\"time_update\":" + i);
        job(dir.resolve("reasoning-rl"), "{\"group_size\":8}", i -> "\"reward_mean\":" + (1 - 1.0 / i) + ",\"format\":0.0");
        Files.writeString(dir.resolve("r1-zero/samples.jsonl"), """
                {"step":10,"prompt":"What is 2 + 3?","answer":"5","completion":"<answer> 5 </answer>","reward":1.1,"rewards":{"accuracy":1,"format":0.1}}
                {"step":10,"prompt":"What is 4 + 4?","answer":"8","completion":"<answer> 9 </answer>","reward":0.1,"rewards":{"accuracy":0,"format":0.1}}
                """);
        return dir;
    }

    private static void job(Path dir, String config, java.util.function.IntFunction<String> row) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config);
        StringBuilder m = new StringBuilder();
        for (int i = 1; i <= 40; i++) m.append("{\"step\":").append(i).append(',').append(row.apply(i)).append("}\n");
        Files.writeString(dir.resolve("metrics.jsonl"), m.toString());
    }

    @Test
    void theStageTableFindingsAndGroupedCurves() throws Exception {
        Path dir = pipeline(tmp.resolve("pipeline"));
        assertThat(PipelineReport.isPipeline(dir)).isTrue();
        assertThat(PipelineReport.isPipeline(dir.resolve("r1-zero"))).isFalse();
        Path out = dir.resolve("report.html");
        PipelineReport.write(dir, out);
        String html = Files.readString(out);
        int table = html.indexOf("<table id=\"stages\">"), findings = html.indexOf("id=\"findings\""), curves = html.indexOf("<h2>Training curves");
        assertThat(table).as("the stage table opens the page").isPositive().isLessThan(findings);
        assertThat(findings).isLessThan(curves);
        assertThat(html.substring(0, table)).doesNotContain("<svg");

        // Every stage a row, in the recipe's order; the best of each varying column marked, a column all share not.
        String stages = html.substring(table, html.indexOf("</table>", table));
        assertThat(stages).containsSubsequence("base", "R1-Zero", "cold start + SFT 1", "reasoning RL", "rejection sampling + SFT 2",
                "RL, all scenarios", "student, distilled", "student, RL only");
        assertThat(stages).contains("<td class=\"num best\">98.5 %</td>").contains("<td class=\"num best\">90.2 %</td>")
                .contains("<td class=\"num\">9.2 %</td>").contains("<td class=\"num\">98.1 %</td>");
        // 100 % is the best of language, Spanish prompts and clean (five stages each), seen facts (three), harmful
        // refused (two) and look-alikes (six).
        assertThat(count(stages, "best\">100.0 %")).isEqualTo(5 + 5 + 5 + 3 + 2 + 6);

        // Sentences from the numbers.
        assertThat(html).contains("moves pass@1 69.0 % → 98.5 % (+29.5 points)").contains("go from 66 to 106 tokens")
                .contains("on Spanish prompts 9.2 % of the reasoning is in Spanish (base 98.1 %)")
                .contains("reaches 87.8 % pass@1, 92.7 % of its teacher's 94.7 %; the same student by RL alone reaches 73.0 %");

        // The bars hold the rows' values; the Spanish prompts' chart reads the reasoning test's slice (the first).
        assertThat(bar(html, "pass@1 by stage (reasoning test)", "pass@1", "R1-Zero")).isCloseTo(98.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bar(html, "Language consistency on Spanish prompts", "language, Spanish prompts", "R1-Zero")).isCloseTo(9.2,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bar(html, "Distillation: the student against RL alone", "pass@1", "teacher")).isCloseTo(94.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bar(html, "Safety: harmful refused, look-alikes answered", "harmful refused", "SFT 2")).isCloseTo(100, org.assertj.core.data.Offset.offset(1e-9));

        // R1-Zero's accuracy over its 40 steps, each point the mean of 10: 100·(5.5/40), …
        Matcher acc = Pattern.compile("data-metric=\"R1-Zero: accuracy of its rollouts\".*?data-points=\"([^\"]*)\"").matcher(html);
        assertThat(acc.find()).isTrue();
        String[] pts = acc.group(1).split(" ");
        assertThat(pts).hasSize(4);
        assertThat(Double.parseDouble(pts[0].split(",")[0])).isEqualTo(5.5);
        assertThat(Double.parseDouble(pts[0].split(",")[1])).isCloseTo(100 * 5.5 / 40, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(html).contains("RL step (each point the mean of 10)").contains(">accuracy, %<").contains(">tokens<");

        // Curves by kind: each group its own charts; flat (format, clip_low) and bookkeeping (time_*, tokens/s) left out.
        assertThat(group(html, "pretraining")).contains("data-metric=\"loss\"").doesNotContain("tokens_per_s");
        assertThat(group(html, "sft")).contains("data-metric=\"loss\"");
        assertThat(group(html, "reward_model")).contains("data-metric=\"loss\"");
        String grpo = group(html, "grpo");
        assertThat(grpo).contains("data-metric=\"reward_mean\"").doesNotContain("data-metric=\"format\"")
                .doesNotContain("data-metric=\"clip_low\"").doesNotContain("time_update");
        assertThat(count(grpo, "data-run=\"")).as("reward_mean of both GRPO stages overlaid, accuracy, level-5 length").isEqualTo(4);
        assertThat(html).contains("<h2>Samples: r1-zero</h2>").contains("data-correct=\"yes\"").contains("data-correct=\"no\"");

        // `r1j report` on the folder writes the pipeline's page.
        Path viaCli = tmp.resolve("cli.html");
        assertThat(r1j.cli.Main.run(new String[] {"report", dir.toString(), "--out", viaCli.toString()})).isZero();
        assertThat(Files.readString(viaCli)).isEqualTo(html);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String group(String html, String kind) {
        int at = html.indexOf("data-kind=\"" + kind + "\"");
        assertThat(at).as(kind).isPositive();
        int end = html.indexOf("</div>", at);
        return html.substring(at, end);
    }

    private static double bar(String html, String chart, String series, String category) {
        int at = html.indexOf("data-metric=\"" + chart + "\"");
        assertThat(at).as(chart).isPositive();
        String svg = html.substring(at, html.indexOf("</svg>", at));
        Matcher m = Pattern.compile("data-series=\"" + Pattern.quote(series) + "\" data-category=\"" + Pattern.quote(category)
                + "\" data-value=\"([^\"]*)\"").matcher(svg);
        assertThat(m.find()).as(chart + " / " + series + " / " + category).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
