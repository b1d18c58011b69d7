package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.cli.Main;
import r1j.data.Jsonl;

/** Output folders of jobs that are not training runs: their own job goes on, another is refused or, with force, replaces. */
class JobFolderTest {
    @TempDir
    Path tmp;

    @Test
    void theSameJobGoesOnAnotherIsRefusedByItsFirstDifferenceAndForceReplacesOnlyTheOutputs() throws Exception {
        Path dir = tmp.resolve("out");
        List<String> outputs = List.of("kept.jsonl", "sft.jsonl");
        JobFolder.claim(dir, Jsonl.object("job", "reject-sample", "seed", 1, "samples", 4), false, outputs, JobFolder.Unclaimed.REFUSE);
        Files.writeString(dir.resolve("kept.jsonl"), "{}\n");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        JobFolder.claim(dir, Jsonl.object("job", "reject-sample", "seed", 1, "samples", 4), false, outputs, JobFolder.Unclaimed.REFUSE);
        assertThat(dir.resolve("kept.jsonl")).exists();
        assertThatThrownBy(() -> JobFolder.claim(dir, Jsonl.object("job", "reject-sample", "seed", 2, "samples", 4), false, outputs,
                JobFolder.Unclaimed.REFUSE)).hasMessage(dir + " holds the output of another reject-sample (its seed is 1, this one's is 2): "
                + "choose another --out, or --force to replace its kept.jsonl, sft.jsonl");
        assertThatThrownBy(() -> JobFolder.claim(dir, Jsonl.object("job", "coldstart", "seed", 1), false, outputs, JobFolder.Unclaimed.REFUSE))
                .hasMessageContaining("holds the output of another reject-sample (a reject-sample, not a coldstart)");
        JobFolder.claim(dir, Jsonl.object("job", "reject-sample", "seed", 2, "samples", 4), true, outputs, JobFolder.Unclaimed.REFUSE);
        assertThat(dir.resolve("kept.jsonl")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
        assertThat(Files.readString(dir.resolve(JobFolder.FILE))).contains("\"seed\" : 2");
    }

    @Test
    void aFolderNoJobWroteIsRefusedUnlessForcedOrAdopted() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hand-made"));
        Files.writeString(dir.resolve("data.txt"), "x");
        assertThatThrownBy(() -> JobFolder.claim(dir, Jsonl.object("job", "coldstart"), false, List.of("coldstart.jsonl"), JobFolder.Unclaimed.REFUSE))
                .hasMessage(dir + " is not empty and no r1j coldstart wrote it (no job.json): choose a new or empty --out, or --force to write "
                        + "coldstart.jsonl into it");
        JobFolder.claim(dir, Jsonl.object("job", "pipeline", "seed", 1), false, List.of(), JobFolder.Unclaimed.ADOPT);
        assertThatThrownBy(() -> JobFolder.claim(dir, Jsonl.object("job", "pipeline", "seed", 3), false, List.of(), JobFolder.Unclaimed.ADOPT))
                .hasMessageEndingWith("(its seed is 1, this one's is 3): choose another --out, or delete that folder");
        assertThat(dir.resolve("data.txt")).exists();
        assertThatThrownBy(() -> JobFolder.claim(dir.resolve("data.txt"), Jsonl.object("job", "x"), false, List.of(), JobFolder.Unclaimed.REFUSE))
                .hasMessageContaining("is a file, not a folder");
    }

    @Test
    void rejectSamplingIntoAnotherRunsFolderIsRefusedInOneLineAndForceReplacesIt() throws Exception {
        Path model = r1j.testing.NanoWorld.model(tmp), tasks = r1j.testing.NanoWorld.tasks(tmp, 4), out = tmp.resolve("rejection");
        String[] args = {"reject-sample", "--model", model.toString(), "--data", tasks.toString(), "--out", out.toString(), "--problems", "2",
                "-n", "1", "--max-new-tokens", "4", "--json"};
        assertThat(Main.run(args)).isZero();
        String before = Files.readString(out.resolve("summary.json"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run(concat(args, "--seed", "7"));
        } finally {
            System.setErr(err);
        }
        assertThat(rc).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("r1j:")).toList()).singleElement().asString()
                .startsWith("r1j: error: " + out + " holds the output of another reject-sample (its seed is 1, this one's is 7)");
        assertThat(out.resolve("summary.json")).hasContent(before);
        assertThat(Main.run(concat(args, "--seed", "7", "--force"))).isZero();
        assertThat(Files.readString(out.resolve(JobFolder.FILE))).contains("\"seed\" : 7");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
