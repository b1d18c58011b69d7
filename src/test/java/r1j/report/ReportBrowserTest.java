package r1j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in headless Chromium: it opens with its charts and no script error, and its sample filter, driven through
 * the page's own select element, shows exactly the chosen rows. Chromium is Debian's package: `./r1j test` installs it
 * when it runs as root; elsewhere without it this test is skipped (and fails under CI, where it must run).
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
        String how = "headless Chromium is needed for the report's browser test: apt-get install chromium";
        if (System.getenv("CI") != null) throw new IllegalStateException(how);
        Assumptions.abort(how);
        return null;
    }

    /** The page's DOM after its scripts (and any appended to it) have run. */
    private String dumpDom(Path html, String... flags) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile"), "--enable-logging=stderr", "--v=0", "--dump-dom"));
        cmd.addAll(List.of(flags));
        cmd.add(html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(tmp.resolve("stderr.txt"));
        assertThat(err).doesNotContain("Uncaught").doesNotContain("SyntaxError");
        return dom;
    }

    private Path report() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        StringBuilder m = new StringBuilder();
        for (int i = 1; i <= 300; i++) m.append("{\"step\":").append(i).append(",\"reward_mean\":").append(Math.log(i)).append(",\"kl\":0.01}\n");
        Files.writeString(run.resolve("metrics.jsonl"), m.toString());
        Files.writeString(run.resolve("samples.jsonl"), """
                {"step":1,"prompt":"q1","answer":"1","completion":"<answer> 1 </answer>","rewards":{"accuracy":1}}
                {"step":1,"prompt":"q2","answer":"2","completion":"<answer> 3 </answer>","rewards":{"accuracy":0}}
                {"step":2,"prompt":"q3","answer":"3","completion":"<answer> 3 </answer>","rewards":{"accuracy":1}}
                """);
        Path html = run.resolve("report.html");
        Html.write(List.of(run), html);
        return html;
    }

    @Test
    void opensWithChartsAndNoScriptErrors() throws Exception {
        String dom = dumpDom(report());
        assertThat(dom).contains("<svg class=\"chart\" data-metric=\"reward_mean\"").contains("<polyline").contains("class=\"sample\"");
    }

    @Test
    void theSampleFilterShowsTheChosenRows() throws Exception {
        Path html = report();
        // A probe appended to the page chooses each option of the page's select as a user would (a change event runs
        // the page's own handler) and writes which prompts are then visible.
        String probe = """
                <script>(function(){var s=document.querySelector('select');var out=[];
                ['no','yes','all'].forEach(function(v){s.value=v;s.dispatchEvent(new Event('change'));
                var shown=[];document.querySelectorAll('tr.sample').forEach(function(t){
                if(getComputedStyle(t).display!=='none')shown.push(t.cells[1].firstChild.textContent);});
                out.push(v+'='+shown.join('+'));});
                var p=document.createElement('pre');p.id='probe';p.textContent=out.join(';');document.body.appendChild(p);})();</script>""";
        String page = Files.readString(html);
        Files.writeString(html, page.replace("</body>", probe + "</body>"));
        String dom = dumpDom(html);
        assertThat(dom).contains("<pre id=\"probe\">no=q2;yes=q1+q3;all=q1+q2+q3</pre>");
    }

    /**
     * The pipeline's report as a newcomer first sees it, in a 1280 × 900 window: the stage table and the first row of
     * findings charts are on the first screen (a probe measures where the browser laid them out), a screenshot is
     * taken, and no script error is logged.
     */
    @Test
    void thePipelinesStageTableAndFindingsAreOnTheFirstScreen() throws Exception {
        Path dir = PipelineReportTest.pipeline(tmp.resolve("pipeline"));
        Path html = dir.resolve("report.html");
        PipelineReport.write(dir, html);
        String probe = """
                <script>(function(){var h=window.innerHeight,t=document.getElementById('stages').getBoundingClientRect(),
                c=document.querySelectorAll('#findings svg'),f=c[0].getBoundingClientRect(),r=c[1].getBoundingClientRect();
                var p=document.createElement('pre');p.id='probe';p.textContent='screen='+h+';table='+Math.round(t.bottom)+
                ';findings='+Math.round(Math.max(f.bottom,r.bottom))+';sameRow='+(f.top===r.top);document.body.appendChild(p);})();</script>""";
        Files.writeString(html, Files.readString(html).replace("</body>", probe + "</body>"));
        String dom = dumpDom(html, "--window-size=1280,900");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<pre id=\"probe\">screen=(\\d+);table=(\\d+);findings=(\\d+);sameRow=(\\w+)</pre>")
                .matcher(dom);
        assertThat(m.find()).as(dom.substring(Math.max(0, dom.length() - 400))).isTrue();
        int screen = Integer.parseInt(m.group(1));
        assertThat(screen).as("the window's inner height (headless Chromium keeps some for its frame)").isBetween(700, 900);
        assertThat(Integer.parseInt(m.group(2))).as("the stage table's bottom").isLessThan(screen);
        assertThat(Integer.parseInt(m.group(3))).as("the first two findings charts' bottom").isLessThan(screen);
        assertThat(m.group(4)).as("the two side by side").isEqualTo("true");
        Path shot = tmp.resolve("first-screen.png");
        Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile2"), "--window-size=1280,900", "--screenshot=" + shot, dir.resolve("report.html").toUri().toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        byte[] png = Files.readAllBytes(shot);
        assertThat(png).hasSizeGreaterThan(10_000);
        assertThat(java.util.Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');
    }
}
