package r1j.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.concurrent.Callable;

/** Task: bring a worker to a version of a run's weights. */
final class SyncWeights implements Callable<Long>, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private final String version;
    private final Weights weights;
    private transient HazelcastInstance hz;

    SyncWeights(ModelSpec spec, String version, Weights weights) {
        this.spec = spec;
        this.version = version;
        this.weights = weights;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        this.hz = hz;
    }

    @Override
    public Long call() throws Exception {
        // load is synchronized on the state, as a rollout's sampling is: a sync waits for the rollout in progress.
        WorkerState.of(hz).load(spec, version, weights);
        return weights.bytes();
    }
}
