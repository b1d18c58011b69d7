package r1j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import r1j.cluster.ClusterRollouts;
import r1j.cluster.ModelSpec;
import r1j.generate.Rollouts;
import r1j.rl.GrpoConfig;
import r1j.rl.GrpoTrainer;
import r1j.tokenizer.Tokenizer;
import r1j.train.TrainingRun;

/**
 * {@code r1j bench cluster}: GRPO steps with the rollouts in this JVM (the peer) and on 1, 2, 4… local worker JVMs
 * (Hazelcast on loopback, started here): median seconds per step, its rollout part, and the weight sync's bytes and
 * seconds per step. On one machine the workers share its cores, so this measures the cluster's overhead; how it scales
 * on machines of their own is docs/cluster.md's cost model, fed with these figures.
 */
public final class ClusterBench {
    /** One configuration's medians over the steps after the first. */
    public record Result(int workers, int asyncSteps, double secondsPerStep, double rolloutSeconds, double syncSeconds, long syncBytes) {}

    private ClusterBench() {}

    /** Each worker count (0: alone) with the rollouts on-policy and each of asyncSteps ahead. */
    public static List<Result> run(Path model, List<Integer> workerCounts, GrpoBench.Shape shape, List<Integer> asyncSteps,
                                   PrintStream progress) throws Exception {
        int steps = shape.steps(), prompts = shape.prompts(), group = shape.group(), maxTokens = shape.maxTokens();
        Path dir = Files.createTempDirectory("r1j-bench-cluster");
        List<Result> out = new ArrayList<>();
        try {
            Path data = GrpoBench.worldTasks(dir, 256);
            GrpoConfig c = GrpoConfig.builder().model(model).data(data).template("r1-zero").rewards("accuracy,format")
                    .rewardWeights("1,0.1").steps(steps).promptsPerStep(prompts).groupSize(group)
                    .maxCompletionTokens(maxTokens).checkpointEvery(1_000_000).sampleEvery(0).build();
            for (int a : asyncSteps) {
                progress.println("bench cluster: GRPO alone, async steps " + a);
                out.add(measure(0, c.toBuilder().asyncSteps(a).build(), dir.resolve("alone-" + a), null));
            }
            for (int n : workerCounts) {
                String name = "r1j-bench-" + ProcessHandle.current().pid() + "-" + n;
                List<Process> ws = new ArrayList<>();
                try {
                    int first = 0;
                    for (int i = 0; i < n; i++) {
                        int port = freePort();
                        ws.add(startWorker(port, first, name, dir.resolve("worker-" + n + "-" + i + ".log")));
                        if (first == 0) first = port;
                    }
                    try (Rollouts r = ClusterRollouts.connect(new ClusterRollouts.Connection(name, List.of("127.0.0.1:" + first), "127.0.0.1", freePort(), n, 120),
                            ModelSpec.policy(model.toAbsolutePath().toString(), null, c.seed()), Tokenizer.load(model), progress)) {
                        for (int a : asyncSteps) {
                            progress.printf("bench cluster: GRPO on %d worker(s), async steps %d%n", n, a);
                            out.add(measure(n, c.toBuilder().asyncSteps(a).build(), dir.resolve("workers-" + n + "-" + a), r));
                        }
                    }
                } finally {
                    ws.forEach(Process::destroyForcibly);
                }
            }
            return out;
        } finally {
            TrainingRun.deleteTree(dir);
        }
    }

    private static Result measure(int workers, GrpoConfig c, Path out, Rollouts r) throws IOException {
        GrpoTrainer.run(c, out, 0, new PrintStream(new ByteArrayOutputStream()), r);
        List<JsonNode> ms = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve(TrainingRun.METRICS))) ms.add(json.readTree(line));
        List<JsonNode> timed = ms.subList(ms.size() > 1 ? 1 : 0, ms.size());
        return new Result(workers, c.async_steps(), median(timed, "seconds"), median(timed, "time_rollout"), median(timed, "sync_seconds"),
                (long) median(timed, "sync_bytes"));
    }

    private static double median(List<JsonNode> rows, String field) {
        double[] v = rows.stream().mapToDouble(m -> m.path(field).asDouble(0)).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }

    private static Process startWorker(int port, int join, String name, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "r1j.cli.Main", "worker", "--port", Integer.toString(port),
                "--interface", "127.0.0.1", "--cluster-name", name));
        if (join != 0) cmd.addAll(Arrays.asList("--join", "127.0.0.1:" + join));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.readString(log).contains("waiting for rollouts")) {
            if (!p.isAlive() || System.nanoTime() > deadline) throw new IOException("worker did not start:\n" + Files.readString(log));
            Thread.sleep(50);
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
