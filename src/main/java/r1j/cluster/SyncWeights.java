package r1j.cluster;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** Task: bring a worker to a version of the policy's weights. */
record SyncWeights(ModelSpec spec, String version, Weights weights) implements Callable<Long>, Serializable {
    @Override
    public Long call() throws Exception {
        WorkerState.load(spec, version, weights);
        return weights.bytes();
    }
}
