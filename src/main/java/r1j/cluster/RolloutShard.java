package r1j.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.train.KillPoint;

/**
 * Task: sample a contiguous part of a step's requests on a worker, from the weights version named. Each request
 * carries its seed, so the completions are those the trainer's JVM would sample.
 */
final class RolloutShard implements Callable<ArrayList<List<Completion>>>, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;
    /** Where a test kills a worker in the middle of a rollout (R1J_KILL_AT=rollout@STEP). */
    static final String KILL_POINT = "rollout";

    /** What the shard samples: the requests (after the shared prefix), G each, with these sampling settings. */
    record Work(int[] prefix, List<Generator.Request> requests, int group, SamplingParams params) implements Serializable {}

    private final ModelSpec spec;
    private final String version;
    private final long step;
    private final Work work;
    private transient HazelcastInstance hz;

    RolloutShard(ModelSpec spec, String version, long step, Work work) {
        this.spec = spec;
        this.version = version;
        this.step = step;
        this.work = work;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        this.hz = hz;
    }

    @Override
    public ArrayList<List<Completion>> call() {
        WorkerState state = WorkerState.of(hz);
        // One rollout at a time per worker: its model (and the packed copies of its weights) serve one generator.
        synchronized (state) {
            Generator g = state.generator(spec, version, work.requests().size() * work.group());
            KillPoint.reach(KILL_POINT, step);
            return new ArrayList<>(g.generate(work.prefix(), work.requests(), work.group(), work.params(), null));
        }
    }
}
