package r1j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report opens in headless Chromium with its charts and no script error in the console. Chromium comes from
 * Debian's package (.ci/run installs it when missing).
 */
class ReportBrowserTest {
    @TempDir
    Path tmp;

    static String chromium() {
        for (String c : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, c))) return Path.of(dir, c).toString();
            }
        }
        throw new IllegalStateException("headless Chromium is needed for this test: apt-get install chromium");
    }

    @Test
    void opensWithChartsAndNoScriptErrors() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        StringBuilder m = new StringBuilder();
        for (int i = 1; i <= 300; i++) m.append("{\"step\":").append(i).append(",\"reward_mean\":").append(Math.log(i)).append(",\"kl\":0.01}\n");
        Files.writeString(run.resolve("metrics.jsonl"), m.toString());
        Files.writeString(run.resolve("samples.jsonl"), "{\"step\":1,\"prompt\":\"q\",\"answer\":\"1\",\"completion\":\"<answer> 1 </answer>\",\"rewards\":{\"accuracy\":1}}\n");
        Path html = run.resolve("report.html");
        Html.write(List.of(run), html);
        Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile"), "--enable-logging=stderr", "--v=0", "--dump-dom",
                html.toUri().toString()).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(tmp.resolve("stderr.txt"));
        assertThat(dom).contains("<svg class=\"chart\" data-metric=\"reward_mean\"").contains("<polyline").contains("class=\"sample\"");
        assertThat(err).doesNotContain("Uncaught").doesNotContain("SyntaxError");
    }
}
