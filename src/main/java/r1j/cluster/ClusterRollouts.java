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

    /** Joins the cluster at the addresses given as a lite member and waits (up to timeoutSeconds) for minWorkers. */
    public static ClusterRollouts connect(String clusterName, List<String> join, String bindInterface, int port, int minWorkers,
                                          int timeoutSeconds, ModelSpec spec, r1j.tokenizer.Tokenizer tok,
                                          PrintStream log) throws InterruptedException {
        HazelcastInstance hz = Members.start(clusterName, port, join, bindInterface, true);
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
        for (int s = 0; s < shards; s++) submit(s, shards, requests, prefix, group, p, version, v, workers.isEmpty() ? null : workers.get(s), pending, on);
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
                    submit(s, shards, requests, prefix, group, p, version, v, next, pending, on);
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

    private void submit(int s, int shards, List<Generator.Request> requests, int[] prefix, int group, SamplingParams p, long step, String v,
                        Member m, List<Future<ArrayList<List<Completion>>>> pending, List<Member> on) {
        on.set(s, m);
        pending.set(s, m == null ? null : executor.submitToMember(new RolloutShard(spec, v, step, prefix,
                new ArrayList<>(part(requests, s, shards)), group, p), m));
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
