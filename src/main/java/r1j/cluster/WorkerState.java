package r1j.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import r1j.model.Transformer;
import r1j.tokenizer.Tokenizer;

/**
 * What one worker member holds between tasks, kept in its Hazelcast instance's user context (not in a static field,
 * so two members in one JVM, as in the tests, hold their own): for each run it serves, that run's model, tokenizer
 * and weights version. A version names its run ({@code RUN@STEP}), so two trainers sharing the workers keep their
 * own models instead of replacing each other's at every step; the two most recently used runs are kept.
 */
final class WorkerState {
    private static final String KEY = "r1j.worker-state";
    /** Runs whose models a worker keeps: two trainers at once; a third evicts the least recently used. */
    private static final int RUNS = 2;

    /** One run's model on this worker, and the weights version it holds. */
    private static final class Held {
        final ModelSpec spec;
        final Transformer model;
        final Tokenizer tokenizer;
        String version;

        Held(ModelSpec spec, Transformer model, Tokenizer tokenizer) {
            this.spec = spec;
            this.model = model;
            this.tokenizer = tokenizer;
        }
    }

    private final Map<String, Held> runs = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
            return size() > RUNS;
        }
    };

    WorkerState() {}

    /** The state of the member that runs a task. */
    static WorkerState of(HazelcastInstance hz) {
        return (WorkerState) hz.getUserContext().computeIfAbsent(KEY, k -> new WorkerState());
    }

    /** The run a weights version belongs to. */
    static String runOf(String version) {
        int at = version.lastIndexOf('@');
        return at < 0 ? version : version.substring(0, at);
    }

    /** Brings the run's model to version v (building it first when this worker has not served the run). */
    synchronized void load(ModelSpec s, String v, Weights w) throws IOException {
        Held h = runs.get(runOf(v));
        if (h == null || !h.spec.equals(s)) {
            h = new Held(s, s.build(), s.tokenizer());
            runs.put(runOf(v), h);
        }
        w.into(h.model);
        h.version = v;
    }

    /**
     * A generator over the run's model at version v, or a StaleWeights failure that tells the trainer to send them.
     * The caller samples while holding this state's lock: one rollout at a time per worker.
     */
    synchronized r1j.generate.Generator generator(ModelSpec s, String v, int maxBatch) {
        Held h = runs.get(runOf(v));
        if (h == null || !h.spec.equals(s) || !v.equals(h.version)) {
            throw new StaleWeights("worker holds " + (h == null ? "nothing" : h.version) + " of run " + runOf(v) + ", not " + v);
        }
        return new r1j.generate.Generator(h.model, h.tokenizer, maxBatch);
    }

    /** The worker lacks the weights a rollout asks for (it joined late, or missed a sync). */
    static final class StaleWeights extends IllegalStateException {
        StaleWeights(String message) {
            super(message);
        }
    }
}
