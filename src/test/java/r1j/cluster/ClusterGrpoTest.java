package r1j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.testing.NanoWorld;

/**
 * GRPO with its rollouts on Hazelcast workers (issue 22), every JVM on loopback and started here: the same seed gives
 * the same metrics and byte-identical final weights in one JVM and with 1, 2 and 3 workers (a LoRA run too, its sync
 * the adapter alone); evaluation and rejection
 * sampling on the workers write the same files as alone; a worker killed in the
 * middle of a rollout (SIGKILL, R1J_KILL_AT=rollout@2) has its shard redone elsewhere with the step's result unchanged;
 * and a trainer killed between steps resumes with the cluster as it would alone.
 */
class ClusterGrpoTest {
    @TempDir
    static Path tmp;

    static Path model, tasks;
    static final List<Process> workers = new ArrayList<>();
    static final String NAME = "r1j-test-" + ProcessHandle.current().pid();
    static int firstPort;

    @BeforeAll
    static void fixtures() throws Exception {
        model = NanoWorld.model(tmp);
        tasks = NanoWorld.tasks(tmp, 40);
    }

    @AfterAll
    static void stopWorkers() {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void theSameResultsWithOneTwoOrThreeWorkersAWorkerKilledMidRolloutAndATrainerRestart() throws Exception {
        Path single = tmp.resolve("single");
        assertThat(grpo(single, 0, null)).isZero();

        startWorker(null);
        assertThat(grpo(tmp.resolve("w1"), 1, null)).isZero();
        startWorker(null);
        assertThat(grpo(tmp.resolve("w2"), 2, null)).isZero();
        startWorker(null);
        assertThat(grpo(tmp.resolve("w3"), 3, null)).isZero();
        for (String run : List.of("w1", "w2", "w3")) {
            assertThat(metrics(tmp.resolve(run))).as(run).isEqualTo(metrics(single));
            assertSameFinalWeights(single, tmp.resolve(run));
            List<ObjectNode> rows = rawMetrics(tmp.resolve(run));
            assertThat(rows).allSatisfy(r -> assertThat(r.get("workers").asInt()).isEqualTo(Integer.parseInt(run.substring(1))));
            assertThat(rows).allSatisfy(r -> assertThat(r.get("sync_bytes").asLong()).isPositive());
        }

        // LoRA: the sync carries the adapter alone, and the adapter trained on the workers is the one trained alone.
        String[] lora = {"--lora-r", "4", "--lora-targets", "q_proj,o_proj"};
        assertThat(grpo(tmp.resolve("lora-alone"), 0, null, lora)).isZero();
        assertThat(grpo(tmp.resolve("lora-w3"), 3, null, lora)).isZero();
        assertThat(metrics(tmp.resolve("lora-w3"))).isEqualTo(metrics(tmp.resolve("lora-alone")));
        assertSameFinalWeights(tmp.resolve("lora-alone"), tmp.resolve("lora-w3"));
        long fullSync = rawMetrics(tmp.resolve("w3")).get(1).get("sync_bytes").asLong();
        long loraSync = rawMetrics(tmp.resolve("lora-w3")).get(1).get("sync_bytes").asLong();
        assertThat(loraSync).isPositive().isLessThan(fullSync / 10);

        // Asynchronous rollouts (one step ahead) on the workers: the same run as in one JVM, the lag logged.
        String[] async = {"--async-steps", "1"};
        assertThat(grpo(tmp.resolve("async-alone"), 0, null, async)).isZero();
        assertThat(grpo(tmp.resolve("async-w3"), 3, null, async)).isZero();
        assertThat(metrics(tmp.resolve("async-w3"))).isEqualTo(metrics(tmp.resolve("async-alone")));
        assertSameFinalWeights(tmp.resolve("async-alone"), tmp.resolve("async-w3"));
        assertThat(rawMetrics(tmp.resolve("async-w3")).stream().map(r -> r.get("policy_lag").asInt()).toList()).containsExactly(0, 1, 1, 1);

        // Evaluation and rejection sampling (the distillation's data) on the three workers: the same samples as alone.
        List<String> eval = List.of("eval", "--model", model.toString(), "--data", tasks.toString(), "--k", "3", "--max-new-tokens", "8",
                "--limit", "12", "--json");
        assertThat(run(eval, "--save-samples", tmp.resolve("eval-alone.jsonl").toString())).isZero();
        assertThat(run(eval, "--save-samples", tmp.resolve("eval-cluster.jsonl").toString(), "@cluster")).isZero();
        assertThat(Files.readAllLines(tmp.resolve("eval-cluster.jsonl"))).isEqualTo(Files.readAllLines(tmp.resolve("eval-alone.jsonl")));
        List<String> reject = List.of("reject-sample", "--model", model.toString(), "--data", tasks.toString(), "--problems", "12", "-n", "3",
                "--max-new-tokens", "8", "--temperature", "1.5");
        assertThat(run(reject, "--out", tmp.resolve("reject-alone").toString())).isZero();
        assertThat(run(reject, "--out", tmp.resolve("reject-cluster").toString(), "@cluster")).isZero();
        for (String f : List.of("kept.jsonl", "sft.jsonl", "summary.json")) {
            assertThat(Files.mismatch(tmp.resolve("reject-alone").resolve(f), tmp.resolve("reject-cluster").resolve(f))).as(f).isEqualTo(-1L);
        }

        // A fourth worker that kills itself when it is handed step 2's rollouts.
        Process doomed = startWorker("rollout@2");
        Path killed = tmp.resolve("worker-killed");
        assertThat(grpo(killed, 4, null)).isZero();
        assertThat(doomed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(doomed.exitValue()).isEqualTo(137);
        assertThat(Files.readString(tmp.resolve("worker-killed.log"))).contains("failed").contains("sending it to");
        assertThat(rawMetrics(killed).stream().mapToInt(r -> r.get("rollouts_redone").asInt()).sum()).isPositive();
        assertThat(metrics(killed)).isEqualTo(metrics(single));
        assertSameFinalWeights(single, killed);

        // The trainer killed after step 2's metrics, then the same command: it resumes with the cluster.
        Path restarted = tmp.resolve("trainer-restarted");
        assertThat(grpo(restarted, 3, "metrics@2")).isEqualTo(137);
        assertThat(grpo(restarted, 3, null)).isZero();
        assertThat(metrics(restarted)).isEqualTo(metrics(single));
        assertSameFinalWeights(single, restarted);
    }

    /** The single-machine path does not need the engine: without Hazelcast on the class path GRPO runs, --cluster says why not. */
    @Test
    void withoutHazelcastOnTheClassPathGrpoRunsAloneAndClusterIsRefusedInOneLine() throws Exception {
        String cp = String.join(java.io.File.pathSeparator, Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("hazelcast")).toList());
        assertThat(cp).isNotEqualTo(System.getProperty("java.class.path"));
        List<String> base = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", cp, "r1j.cli.Main", "grpo", "--model", model.toString(), "--data", tasks.toString(), "--force", "--steps", "1", "-G", "2",
                "--prompts-per-step", "1", "--max-completion-tokens", "4");
        List<String> alone = new ArrayList<>(base);
        alone.addAll(List.of("--out", tmp.resolve("alone").toString()));
        Process a = new ProcessBuilder(alone).redirectErrorStream(true).start();
        String aOut = new String(a.getInputStream().readAllBytes());
        assertThat(a.waitFor()).as(aOut).isZero();
        List<String> clustered = new ArrayList<>(base);
        clustered.addAll(List.of("--out", tmp.resolve("no-engine").toString(), "--cluster", "127.0.0.1:1"));
        Process c = new ProcessBuilder(clustered).redirectErrorStream(true).start();
        String cOut = new String(c.getInputStream().readAllBytes());
        assertThat(c.waitFor()).as(cOut).isEqualTo(2);
        assertThat(cOut).contains("r1j: error: --cluster needs Hazelcast on the class path").doesNotContain("\tat ");
    }

    /** A worker JVM on loopback, joined to the first; returns once it says it waits for rollouts. */
    private static Process startWorker(String killAt) throws Exception {
        int port = freePort();
        List<String> cmd = java("worker", "--port", Integer.toString(port), "--interface", "127.0.0.1", "--cluster-name", NAME);
        if (firstPort != 0) cmd.addAll(List.of("--join", "127.0.0.1:" + firstPort));
        else firstPort = port;
        Path log = tmp.resolve("worker-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("R1J_KILL_AT");
        if (killAt != null) pb.environment().put("R1J_KILL_AT", killAt);
        Process p = pb.start();
        workers.add(p);
        // The worker's output goes to its log; it is ready once it says so (read as it comes: no polling, no clock).
        java.io.BufferedReader out = p.inputReader();
        java.io.PrintWriter sink = new java.io.PrintWriter(Files.newBufferedWriter(log), true);
        String line;
        while ((line = out.readLine()) != null && !line.contains("waiting for rollouts")) sink.println(line);
        assertThat(line).as("worker exited before it was ready:%n%s", Files.readString(log)).isNotNull();
        sink.println(line);
        Thread copy = new Thread(() -> out.lines().forEach(sink::println), "worker-log-" + port);
        copy.setDaemon(true);
        copy.start();
        return p;
    }

    /** The same GRPO job, in one JVM (workers 0) or on the cluster's workers; returns the exit code. */
    private static int grpo(Path out, int workers, String killAt, String... extra) throws Exception {
        List<String> cmd = java("grpo", "--model", model.toString(), "--data", tasks.toString(), "--out", out.toString(), "--force",
                "--steps", "4", "-G", "4", "--prompts-per-step", "4", "--max-completion-tokens", "8", "--checkpoint-every", "1",
                "--seed", "5");
        cmd.addAll(List.of(extra));
        if (workers > 0) {
            cmd.addAll(List.of("--cluster", "127.0.0.1:" + firstPort, "--cluster-workers", Integer.toString(workers), "--cluster-name", NAME,
                    "--cluster-interface", "127.0.0.1", "--cluster-port", Integer.toString(freePort())));
        }
        Path log = tmp.resolve(out.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("R1J_KILL_AT");
        if (killAt != null) pb.environment().put("R1J_KILL_AT", killAt);
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("grpo finished").isTrue();
        if (p.exitValue() != 0 && p.exitValue() != 137) throw new AssertionError("grpo exit " + p.exitValue() + ":\n" + Files.readString(log));
        return p.exitValue();
    }

    /** Runs a command in its own JVM; "@cluster" among args stands for the options that join the test's cluster. */
    private static int run(List<String> command, String... more) throws Exception {
        List<String> args = new ArrayList<>(command);
        for (String a : more) {
            if (a.equals("@cluster")) {
                args.addAll(List.of("--cluster", "127.0.0.1:" + firstPort, "--cluster-name", NAME, "--cluster-interface", "127.0.0.1",
                        "--cluster-port", Integer.toString(freePort())));
            } else {
                args.add(a);
            }
        }
        Process p = new ProcessBuilder(java(args.toArray(String[]::new))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", args) + ": exit " + p.exitValue() + "\n" + out);
        return p.exitValue();
    }

    private static List<String> java(String... args) {
        return NanoWorld.r1j(args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void assertSameFinalWeights(Path a, Path b) throws IOException {
        try (Stream<Path> files = Files.list(a.resolve("final"))) {
            for (Path f : files.toList()) {
                assertThat(Files.mismatch(f, b.resolve("final").resolve(f.getFileName()))).as(b + ": " + f.getFileName()).isEqualTo(-1L);
            }
        }
    }

    private static List<ObjectNode> rawMetrics(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<ObjectNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) rows.add((ObjectNode) json.readTree(line));
        return rows;
    }

    /** The rows without what measures time, speed or the cluster (workers, weight sync, redone shards). */
    private static List<ObjectNode> metrics(Path run) throws IOException {
        List<ObjectNode> rows = rawMetrics(run);
        for (ObjectNode r : rows) r.properties().removeIf(e -> e.getKey().matches(".*tokens_per_s|time_.*|seconds|workers|sync_.*|rollouts_redone"));
        return rows;
    }
}
