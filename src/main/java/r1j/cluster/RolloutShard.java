package r1j.cluster;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.model.Transformer;
import r1j.train.KillPoint;

/**
 * Task: sample a contiguous part of a step's requests on a worker, from the weights version named. Each request
 * carries its seed, so the completions are those the trainer's JVM would sample.
 */
record RolloutShard(ModelSpec spec, String version, long step, int[] prefix, List<Generator.Request> requests, int group,
                    SamplingParams params) implements Callable<ArrayList<List<Completion>>>, Serializable {
    /** Where a test kills a worker in the middle of a rollout (R1J_KILL_AT=rollout@STEP). */
    static final String KILL_POINT = "rollout";

    @Override
    public ArrayList<List<Completion>> call() {
        // One rollout at a time per worker: its model (and the packed copies of its weights) serve one generator.
        synchronized (WorkerState.class) {
            Transformer m = WorkerState.model(spec, version);
            KillPoint.reach(KILL_POINT, step);
            return new ArrayList<>(new Generator(m, WorkerState.tokenizer(), requests.size() * group).generate(prefix, requests, group, params, null));
        }
    }
}
