package r1j.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.model.Transformer;
import r1j.generate.Rollouts;

/**
 * GRPO's rollouts on a Hazelcast cluster's worker members (docs/cluster.md). Each step: the weights training changed
 * go to every worker (one task each, timed and counted), then the step's requests, cut into one contiguous shard per
 * worker, run there; the shards come back in request order. A shard whose worker fails or leaves (killed mid-rollout)
 * is sent to another worker, or sampled here when none is left; one result per shard is kept, so nothing is lost or
 * counted twice, and since every request carries its seed the step's result is the one a single JVM computes.
 */
public final class ClusterRollouts implements Rollouts {
    /** Failures of one shard after which the trainer samples it itself. */
    static final int MAX_TRIES = 3;

    private final HazelcastInstance hz;
    private final IExecutorService executor;
    private final ModelSpec spec;
    private final PrintStream log;
    private final Rollouts here;
    private final String run = UUID.randomUUID().toString();
    private final Map<UUID, String> synced = new java.util.HashMap<>();
    private Map<String, Object> cost = Map.of();

    public ClusterRollouts(HazelcastInstance hz, ModelSpec spec, r1j.tokenizer.Tokenizer tok, PrintStream log) {
        this.hz = hz;
        this.here = Rollouts.local(tok);
        this.executor = hz.getExecutorService("r1j-rollouts");
        this.spec = spec;
        this.log = log;
    }

    /**
     * Where the cluster is and how long to wait for it: its name, the members' addresses to join, the interface and
     * port this JVM binds, the workers needed, and the seconds to wait for them.
     */
    public record Connection(String clusterName, List<String> join, String bindInterface, int port, int minWorkers,
                             int timeoutSeconds) {}

    /** Joins the cluster at the connection's addresses as a lite member and waits for its workers. */
    public static ClusterRollouts connect(Connection c, ModelSpec spec, r1j.tokenizer.Tokenizer tok, PrintStream log)
            throws InterruptedException {
        String clusterName = c.clusterName();
        List<String> join = c.join();
        int minWorkers = c.minWorkers(), timeoutSeconds = c.timeoutSeconds();
        HazelcastInstance hz = Members.start(clusterName, c.port(), join, c.bindInterface(), true);
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (workers(hz).size() < minWorkers) {
            if (System.nanoTime() > deadline) {
                int n = workers(hz).size();
                hz.shutdown();
                throw new IllegalStateException("cluster " + clusterName + " at " + join + ": " + n + " worker(s) after " + timeoutSeconds
                        + " s, " + minWorkers + " wanted (start them with r1j worker)");
            }
            Thread.sleep(100);
        }
        log.printf("cluster %s: %d worker(s)%n", clusterName, workers(hz).size());
        return new ClusterRollouts(hz, spec, tok, log);
    }

    private static List<Member> workers(HazelcastInstance hz) {
        List<Member> out = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) if (!m.isLiteMember()) out.add(m);
        return out;
    }

    @Override
    public List<List<Completion>> generate(Transformer policy, long version, int[] prefix, List<Generator.Request> requests, int group,
                                           SamplingParams p) {
        String v = run + "@" + version;
        long t0 = System.nanoTime();
        Weights w = Weights.of(policy);
        List<Member> workers = workers(hz);
        long bytes = sync(workers, v, w);
        double syncSeconds = (System.nanoTime() - t0) / 1e9;
        int shards = Math.max(1, Math.min(workers.size(), requests.size()));
        List<List<List<Completion>>> results = new ArrayList<>();
        List<Future<ArrayList<List<Completion>>>> pending = new ArrayList<>();
        List<Member> on = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            results.add(null);
            pending.add(null);
            on.add(null);
        }
        int redone = 0;
        int[] failures = new int[shards];
        Round round = new Round(requests, prefix, group, p, version, v, shards);
        for (int s = 0; s < shards; s++) {
            on.set(s, workers.isEmpty() ? null : workers.get(s));
            pending.set(s, submit(round, s, on.get(s)));
        }
        for (int s = 0; s < shards; s++) {
            while (results.get(s) == null) {
                try {
                    results.set(s, pending.get(s) == null ? here.generate(policy, version, prefix, part(requests, s, shards), group, p)
                            : pending.get(s).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for rollouts", e);
                } catch (ExecutionException e) {
                    // The worker died, left, or lacked the weights: the shard goes to another live worker (synced first),
                    // the next one at each failure; after MAX_TRIES failures (a worker that cannot load the model, say)
                    // it is sampled here, so a step never waits forever.
                    redone++;
                    failures[s]++;
                    Member failed = on.get(s);
                    synced.remove(failed.getUuid());
                    List<Member> live = workers(hz);
                    live.removeIf(m -> m.getUuid().equals(failed.getUuid()) && !(rootCause(e) instanceof WorkerState.StaleWeights));
                    Member next = live.isEmpty() || failures[s] >= MAX_TRIES ? null : live.get((s + failures[s]) % live.size());
                    log.printf("rollout shard %d/%d on %s failed (%s); %s%n", s + 1, shards, failed.getAddress(), rootCause(e),
                            next == null ? "sampling it here" : "sending it to " + next.getAddress());
                    if (next != null) bytes += sync(List.of(next), v, w);
                    on.set(s, next);
                    pending.set(s, submit(round, s, next));
                }
            }
        }
        List<List<Completion>> all = new ArrayList<>();
        for (List<List<Completion>> r : results) all.addAll(r);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("workers", workers.size());
        c.put("sync_bytes", bytes);
        c.put("sync_seconds", syncSeconds);
        c.put("rollouts_redone", redone);
        cost = c;
        return all;
    }

    /** One step's rollouts: the requests (split into shards) continuing prefix, G each, and the weights' version. */
    private record Round(List<Generator.Request> requests, int[] prefix, int group, SamplingParams p, long step, String version,
                         int shards) {}

    /** Sends shard s of the round to member m (null: none, the shard is sampled here). */
    private Future<ArrayList<List<Completion>>> submit(Round r, int s, Member m) {
        return m == null ? null : executor.submitToMember(new RolloutShard(spec, r.version(), r.step(),
                new RolloutShard.Work(r.prefix(), new ArrayList<>(part(r.requests(), s, r.shards())), r.group(), r.p())), m);
    }

    /** Sends the weights to the workers that lack version v; returns the bytes sent. A worker that fails is left out. */
    private long sync(List<Member> workers, String v, Weights w) {
        Map<Member, Future<Long>> acks = new LinkedHashMap<>();
        for (Member m : workers) {
            if (v.equals(synced.get(m.getUuid()))) continue;
            acks.put(m, executor.submitToMember(new SyncWeights(spec, v, w), m));
        }
        long bytes = 0;
        for (var e : acks.entrySet()) {
            try {
                bytes += e.getValue().get();
                synced.put(e.getKey().getUuid(), v);
            } catch (ExecutionException ex) {
                log.printf("weight sync to %s failed (%s)%n", e.getKey().getAddress(), rootCause(ex));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the weight sync", ex);
            }
        }
        return bytes;
    }

    /** Shard s of n: a contiguous slice, sizes differing by at most one. */
    static <T> List<T> part(List<T> xs, int s, int n) {
        return xs.subList((int) ((long) xs.size() * s / n), (int) ((long) xs.size() * (s + 1) / n));
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    @Override
    public Map<String, Object> lastCost() {
        return cost;
    }

    @Override
    public void close() {
        hz.shutdown();
    }
}
