package r1j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report plots exactly the metrics file's values, overlays runs, and stays small for long runs. */
class HtmlTest {
    @TempDir
    Path tmp;

    @Test
    void runsOfTheSameNameAreLabelledWithTheirParentFolder() {
        assertThat(Html.labels(List.of(Path.of("/x/s1/r1-zero"), Path.of("/x/s2/r1-zero")))).containsExactly("s1/r1-zero", "s2/r1-zero");
        assertThat(Html.labels(List.of(Path.of("/x/s1/base"), Path.of("/x/s1/r1-zero")))).containsExactly("base", "r1-zero");
    }

    @Test
    void plottedPointsAreTheFilesValues() throws Exception {
        Path run = tmp.resolve("run-a");
        Files.createDirectories(run);
        StringBuilder m = new StringBuilder();
        double[] reward = {0.1, 0.4, 0.35, 0.9};
        for (int i = 0; i < reward.length; i++) {
            m.append("{\"step\":").append(i + 1).append(",\"reward_mean\":").append(reward[i]).append(",\"kl\":").append(0.01 * i).append("}\n");
        }
        Files.writeString(run.resolve("metrics.jsonl"), m.toString());
        Files.writeString(run.resolve("config.json"), "{\"lr\": 1e-4, \"beta\": 0.02}");
        Files.writeString(run.resolve("samples.jsonl"), "{\"step\":1,\"prompt\":\"What is 2 + 3 * 4?\",\"answer\":\"14\","
                + "\"completion\":\"<think> x </think> <answer> 14 </answer>\",\"rewards\":{\"accuracy\":1.0}}\n");
        Path out = tmp.resolve("report.html");
        Html.write(List.of(run), out);
        String html = Files.readString(out);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("data-metric=\"reward_mean\"").contains("data-metric=\"kl\"")
                .contains("&lt;answer&gt; 14 &lt;/answer&gt;").contains("<th>beta</th>").doesNotContain("http://cdn").doesNotContain("<script src");
        Matcher pm = Pattern.compile("data-metric=\"reward_mean\".*?data-points=\"([^\"]*)\"", Pattern.DOTALL).matcher(html);
        assertThat(pm.find()).isTrue();
        List<Double> ys = new ArrayList<>();
        for (String p : pm.group(1).split(" ")) ys.add(Double.parseDouble(p.split(",")[1]));
        assertThat(ys).containsExactly(0.1, 0.4, 0.35, 0.9);
    }

    @Test
    void severalRunsOverlaidAndLongRunsDownsampled() throws Exception {
        for (String name : List.of("a", "b")) {
            Path run = tmp.resolve(name);
            Files.createDirectories(run);
            StringBuilder m = new StringBuilder();
            for (int i = 1; i <= 20_000; i++) m.append("{\"step\":").append(i).append(",\"loss\":").append(1.0 / i).append("}\n");
            Files.writeString(run.resolve("metrics.jsonl"), m.toString());
        }
        Path out = tmp.resolve("r.html");
        Html.write(List.of(tmp.resolve("a"), tmp.resolve("b")), out);
        String html = Files.readString(out);
        Matcher runs = Pattern.compile("data-run=\"(a|b)\"").matcher(html);
        int count = 0;
        while (runs.find()) count++;
        assertThat(count).isEqualTo(2);
        assertThat(html).contains("<h2>Comparison (last value)</h2>").contains("<th>loss</th><td>5.00e-05</td><td>5.00e-05</td>");
        assertThat(Files.size(out)).isLessThan(200_000);
        Matcher pm = Pattern.compile("data-points=\"([^\"]*)\"").matcher(html);
        assertThat(pm.find()).isTrue();
        String[] pts = pm.group(1).split(" ");
        assertThat(pts).hasSize(Html.MAX_POINTS);
        // The first bucket is the mean of the first 50 steps' losses.
        double mean = 0;
        for (int i = 1; i <= 50; i++) mean += 1.0 / i;
        assertThat(Double.parseDouble(pts[0].split(",")[1])).isCloseTo(mean / 50, org.assertj.core.data.Offset.offset(1e-12));
    }

    /** A run keeps its legend colour in every chart, also where an earlier run lacks the metric. */
    @Test
    void eachRunHasOneColourInTheLegendAndEveryChart() throws Exception {
        Files.createDirectories(tmp.resolve("first"));
        Files.createDirectories(tmp.resolve("second"));
        Files.writeString(tmp.resolve("first/metrics.jsonl"), "{\"step\":1,\"loss\":2.0}\n{\"step\":2,\"loss\":1.0}\n");
        Files.writeString(tmp.resolve("second/metrics.jsonl"), "{\"step\":1,\"loss\":3.0,\"kl\":0.1}\n{\"step\":2,\"loss\":2.5,\"kl\":0.2}\n");
        Path out = tmp.resolve("c.html");
        Html.write(List.of(tmp.resolve("first"), tmp.resolve("second")), out);
        String html = Files.readString(out);
        Matcher legend = Pattern.compile("<span style=\"color:(#[0-9a-f]{6})\">■ second</span>").matcher(html);
        assertThat(legend.find()).isTrue();
        Matcher lines = Pattern.compile("stroke=\"(#[0-9a-f]{6})\"[^>]*data-run=\"second\"").matcher(html);
        int charts = 0;
        while (lines.find()) {
            assertThat(lines.group(1)).as("the second run's colour").isEqualTo(legend.group(1));
            charts++;
        }
        assertThat(charts).as("loss and kl").isEqualTo(2);
    }
}
