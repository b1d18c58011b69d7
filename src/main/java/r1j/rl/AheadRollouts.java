package r1j.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import r1j.data.Datasets;
import r1j.generate.Completion;
import r1j.io.AtomicFiles;
import r1j.model.Transformer;
import r1j.model.ParameterShapes;
import r1j.tensor.Tensor;

/**
 * Asynchronous rollouts (async_steps N &gt; 0; verl's one-step-off-policy trainer, prime-rl's async level): the batch of
 * step s is sampled from the policy as it was after s − N updates (after 0 for the first N steps), on a generation
 * thread, while the trainer updates on earlier batches. Each batch in flight samples from a copy of the policy of its
 * own ({@code samplers[b mod N]}, filled on the trainer's thread when the batch is started), so what a batch holds
 * depends on its version and its seeds only, never on timing: a run is deterministic for a seed and thread count, and
 * its rollouts do not depend on where they are sampled. The lag is corrected by the objective (π_old is the trainer's
 * policy; truncated importance weight against the sampler's, {@link GrpoObjective#truncatedImportanceWeights}).
 *
 * <p>A checkpoint holds the batches in flight (sampled with weights a resumed run no longer has), as rollouts.jsonl:
 * a resumed run consumes them and ends bit-identical to an uninterrupted one.
 */
final class AheadRollouts implements AutoCloseable {
    /** Samples (and scores) the batch of a step with a given copy of the policy: the same code as synchronous steps. */
    @FunctionalInterface
    interface Job {
        Sampled sample(Transformer sampler, int step);
    }

    /** A batch, the number of updates the policy it came from had seen, and what its sampling cost on a cluster. */
    record Sampled(RolloutBatch batch, int version, Map<String, Object> cost) {}

    static final String FILE = "rollouts.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int ahead;
    private final Transformer[] samplers;
    private final Job job;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "r1j-rollouts-ahead");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, Future<Sampled>> inFlight = new TreeMap<>();

    /**
     * @param samplers N models of the policy's architecture (weights are copied in before each use)
     * @param job what sampling one step's batch is
     */
    AheadRollouts(List<Transformer> samplers, Job job) {
        this.ahead = samplers.size();
        this.samplers = samplers.toArray(Transformer[]::new);
        this.job = job;
    }

    /**
     * The batch of step s (the policy has seen s updates), started now if it is not in flight; then starts the batch
     * of step s + N from the policy as it is now, when the run has that step.
     */
    Sampled take(int s, Transformer policy, int steps) {
        if (inFlight.isEmpty()) {
            // A fresh start: the first N steps sample from the starting policy.
            for (int b = s; b < Math.min(steps, s + ahead); b++) start(b, policy, s);
        }
        Future<Sampled> f = inFlight.remove(s);
        if (f == null) throw new IllegalStateException("no rollouts in flight for step " + s);
        Sampled batch = get(f);
        if (s + ahead < steps) start(s + ahead, policy, s);
        return batch;
    }

    private void start(int b, Transformer policy, int version) {
        Transformer sampler = samplers[b % ahead];
        copy(policy, sampler);
        inFlight.put(b, thread.submit(() -> {
            Sampled x = job.sample(sampler, b);
            return new Sampled(x.batch(), version, x.cost());
        }));
    }

    /** The policy's trained weights and its buffers (router biases) into the sampler. */
    private static void copy(Transformer from, Transformer to) {
        List<Tensor> a = from.trainable(), b = to.trainable();
        for (int i = 0; i < a.size(); i++) System.arraycopy(a.get(i).data, 0, b.get(i).data, 0, a.get(i).numel());
        for (var e : from.tensors().entrySet()) {
            if (!ParameterShapes.isBuffer(e.getKey())) continue;
            System.arraycopy(e.getValue().data, 0, to.tensors().get(e.getKey()).data, 0, e.getValue().numel());
        }
    }

    private static Sampled get(Future<Sampled> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rollouts", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Writes the batches in flight (waiting for them) into dir/rollouts.jsonl, one line per batch: its step, version and
     * groups, each group by its row in the prompts and its completions.
     */
    void save(Path dir, List<Datasets.Example> rows) throws IOException {
        Files.createDirectories(dir);
        Map<Datasets.Example, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < rows.size(); i++) index.put(rows.get(i), i);
        StringBuilder out = new StringBuilder();
        for (var e : inFlight.entrySet()) {
            Sampled s = get(e.getValue());
            ObjectNode line = JSON.createObjectNode();
            line.put("step", e.getKey());
            line.put("version", s.version());
            ArrayNode groups = line.putArray("groups");
            for (RolloutBatch.Group g : s.batch().groups()) {
                Integer row = index.get(g.example());
                if (row == null) throw new IllegalStateException("a rollout's prompt is not one of the run's rows");
                ObjectNode gn = groups.addObject();
                gn.put("row", row);
                gn.set("prompt", JSON.valueToTree(g.prompt()));
                gn.set("completions", JSON.valueToTree(g.completions()));
            }
            out.append(JSON.writeValueAsString(line)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(FILE), out.toString());
    }

    /**
     * Takes in the batches a checkpoint holds (dir/rollouts.jsonl), scored again by score (rewards are functions of the
     * completion), as the batches in flight.
     */
    void load(Path dir, List<Datasets.Example> rows, java.util.function.Consumer<RolloutBatch> score) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IOException(f + ": missing (a checkpoint of an async_steps run holds its rollouts in flight)");
        for (String line : Files.readAllLines(f)) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            List<RolloutBatch.Group> groups = new ArrayList<>();
            for (JsonNode g : n.get("groups")) {
                List<Completion> cs = new ArrayList<>();
                for (JsonNode c : g.get("completions")) cs.add(JSON.treeToValue(c, Completion.class));
                groups.add(new RolloutBatch.Group(rows.get(g.get("row").asInt()), JSON.treeToValue(g.get("prompt"), int[].class), cs));
            }
            RolloutBatch batch = new RolloutBatch(groups);
            score.accept(batch);
            inFlight.put(n.get("step").asInt(), CompletableFuture.completedFuture(new Sampled(batch, n.get("version").asInt(), Map.of())));
        }
    }

    @Override
    public void close() {
        for (Future<Sampled> f : inFlight.values()) f.cancel(true);
        thread.shutdownNow();
    }
}
