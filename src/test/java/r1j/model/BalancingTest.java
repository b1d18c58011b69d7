package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import r1j.bench.BalanceBench;

/** The auxiliary-loss-free balancing (V3 §2.1.2) evens out expert load; frozen biases leave it skewed. */
class BalancingTest {
    @Test
    void biasUpdatesBringTheLoadRatioDownAndFrozenBiasesDoNot() {
        BalanceBench.Result on = BalanceBench.run("nano", 0.01f, 150, 50, 1);
        BalanceBench.Result off = BalanceBench.run("nano", 0f, 150, 50, 1);
        assertThat(on.ratioStart()).isEqualTo(off.ratioStart());
        assertThat(off.ratioStart()).isGreaterThan(1.5);
        assertThat(on.ratioEnd()).isLessThan(1.3).isLessThan(on.ratioStart());
        assertThat(off.ratioEnd()).isGreaterThan(1.5);
    }

    @Test
    void biasMovesBySignOfTheLoadGapAndOnlyAffectsSelection() {
        Transformer m = Transformer.init(Presets.get("nano"), 2);
        int[] ids = new int[64];
        for (int i = 0; i < ids.length; i++) ids[i] = (7 * i) % 256;
        r1j.tensor.Tensor before = m.forward(ids, 2, 32);
        long[] load = m.expertLoads().get(0);
        double mean = java.util.Arrays.stream(load).average().orElse(0);
        m.updateRouterBiases(0.5f);
        float[] bias = m.tensors().get("model.layers.1.mlp.gate.e_score_correction_bias").data;
        for (int e = 0; e < load.length; e++) {
            assertThat(bias[e]).isEqualTo(0.5f * (float) Math.signum(mean - load[e]));
        }
        assertThat(m.expertLoads().get(0)).containsOnly(0L);
        // The gate weights come from the unbiased scores: with the same choices the output would not move, so any
        // change here is the selection changing.
        r1j.tensor.Tensor after = m.forward(ids, 2, 32);
        assertThat(after.data).isNotEqualTo(before.data);
    }
}
