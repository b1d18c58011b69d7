package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import r1j.cli.Main;
import r1j.testing.NanoWorld;

/**
 * Exact resume of every trainer after SIGKILL (issue 21): the same command run once to the end, and run again after being
 * killed at three states — after a step's metrics row, before that step's checkpoint (metrics@3); inside a checkpoint,
 * its model written and its optimizer state not (checkpoint-partial@4); after a checkpoint folder is in place but
 * before latest.txt names it (checkpoint-unlisted@6) — ends with byte-identical final weights and the same metrics
 * rows (times and speeds aside). The kills are state-based: the process sends itself SIGKILL there (R1J_KILL_AT).
 */
class KillResumeTest {
    @TempDir
    static Path tmp;

    static Path model, tasks, sft, pairs;

    @BeforeAll
    static void fixtures() throws Exception {
        model = NanoWorld.model(tmp);
        tasks = NanoWorld.tasks(tmp, 40);
        sft = NanoWorld.sft(tmp, tasks);
        pairs = tmp.resolve("pairs.jsonl");
        assertThat(Main.run("data", "preferences", "--kind", "helpfulness", "--n", "60", "--out", pairs.toString())).isZero();
    }

    static Stream<Arguments> trainers() {
        return Stream.of(
                Arguments.of("pretrain", List.of("pretrain", "--preset", "nano", "--corpus-tokens", "20000", "--tokens", "512",
                        "--seq-len", "32", "--batch-size", "2", "--eval-every", "3", "--eval-batches", "1", "--checkpoint-every", "2")),
                Arguments.of("sft", List.of("sft", "--model", "@model", "--data", "@sft", "--epochs", "1", "--batch-size", "1",
                        "--seq-len", "64", "--eval-every", "3", "--checkpoint-every", "2")),
                Arguments.of("grpo", List.of("grpo", "--model", "@model", "--data", "@tasks", "--force", "--steps", "8", "-G", "4",
                        "--prompts-per-step", "2", "--max-completion-tokens", "8", "--ref-refresh-every", "3", "--sample-every", "1",
                        "--checkpoint-every", "2")),
                Arguments.of("rm", List.of("rm", "train", "--model", "@model", "--data", "@pairs", "--epochs", "1", "--batch-pairs", "4",
                        "--checkpoint-every", "2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainers")
    void killedAtThreeStatesTheSameCommandEndsAsAnUninterruptedRun(String name, List<String> args) throws Exception {
        Path whole = tmp.resolve(name + "-whole"), killed = tmp.resolve(name + "-killed");
        assertThat(launch(args, whole, null)).isZero();
        int steps = metrics(whole).size();
        assertThat(steps).as("steps of the run").isGreaterThanOrEqualTo(7);
        for (String at : List.of("metrics@3", "checkpoint-partial@4", "checkpoint-unlisted@6")) {
            assertThat(launch(args, killed, at)).as("killed at %s", at).isEqualTo(137);
        }
        assertThat(killed.resolve("checkpoints").resolve("step-0000006")).isDirectory(); // left by the last kill, unlisted
        assertThat(launch(args, killed, null)).isZero();
        assertThat(metrics(killed)).isEqualTo(metrics(whole));
        try (Stream<Path> files = Files.list(whole.resolve("final"))) {
            for (Path f : files.toList()) {
                assertThat(Files.mismatch(f, killed.resolve("final").resolve(f.getFileName()))).as(f.getFileName().toString()).isEqualTo(-1L);
            }
        }
        if (name.equals("grpo")) {
            assertThat(Files.readAllLines(killed.resolve("samples.jsonl"))).isEqualTo(Files.readAllLines(whole.resolve("samples.jsonl")));
        }
    }

    /** Runs the command in its own JVM with --out dir (and R1J_KILL_AT when given); returns the exit code. */
    private static int launch(List<String> args, Path dir, String killAt) throws Exception {
        List<String> cmd = NanoWorld.r1j();
        for (String a : args) {
            cmd.add(switch (a) {
                case "@model" -> model.toString();
                case "@tasks" -> tasks.toString();
                case "@pairs" -> pairs.toString();
                case "@sft" -> sft.toString();
                default -> a;
            });
        }
        cmd.addAll(List.of("--out", dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path log = tmp.resolve(dir.getFileName() + "-" + (killAt == null ? "end" : killAt) + ".log");
        pb.redirectOutput(log.toFile());
        pb.environment().remove("R1J_KILL_AT");
        if (killAt != null) pb.environment().put("R1J_KILL_AT", killAt);
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished: %s", String.join(" ", cmd)).isTrue();
        if (killAt != null && p.exitValue() == 137) assertThat(Files.readString(log)).contains("R1J_KILL_AT=" + killAt + " reached");
        if (p.exitValue() != 0 && p.exitValue() != 137) throw new AssertionError("exit " + p.exitValue() + ":\n" + Files.readString(log));
        return p.exitValue();
    }

    /** metrics.jsonl's rows without the fields that measure time, speed or memory. */
    private static List<ObjectNode> metrics(Path run) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<ObjectNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            ObjectNode row = (ObjectNode) json.readTree(line);
            row.properties().removeIf(e -> e.getKey().matches(".*tokens_per_s|rss_mb|time_.*|seconds"));
            rows.add(row);
        }
        return rows;
    }
}
