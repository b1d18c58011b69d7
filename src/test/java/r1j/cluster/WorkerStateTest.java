package r1j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.model.Transformer;
import r1j.testing.NanoWorld;

/**
 * A worker keeps each run's model apart (issue 36: no state shared between jobs): two trainers on one worker each find
 * their own weights version at their next step instead of the other's, and a third run evicts the least recently used.
 */
class WorkerStateTest {
    @TempDir
    Path tmp;

    @Test
    void twoRunsOnOneWorkerKeepTheirOwnWeights() throws Exception {
        Path model = NanoWorld.model(tmp);
        ModelSpec spec = ModelSpec.policy(model.toString(), null, 1);
        Transformer policy = r1j.io.Checkpoint.load(model, false);
        WorkerState state = new WorkerState();
        state.load(spec, "run-a@1", Weights.of(policy));
        state.load(spec, "run-b@1", Weights.of(policy));
        // Before: one model per worker, and run b's sync made run a's next rollout stale.
        assertThat(state.generator(spec, "run-a@1", 4)).isNotNull();
        assertThat(state.generator(spec, "run-b@1", 4)).isNotNull();
        assertThatThrownBy(() -> state.generator(spec, "run-a@2", 4)).isInstanceOf(WorkerState.StaleWeights.class)
                .hasMessageContaining("worker holds run-a@1");
        state.load(spec, "run-c@1", Weights.of(policy));
        // run-a was used after run-b, so run-b is the one evicted.
        assertThat(state.generator(spec, "run-a@1", 4)).isNotNull();
        assertThatThrownBy(() -> state.generator(spec, "run-b@1", 4)).isInstanceOf(WorkerState.StaleWeights.class)
                .hasMessageContaining("holds nothing of run run-b");
        assertThat(WorkerState.runOf("3f2a-uuid@17")).isEqualTo("3f2a-uuid");
    }
}
