package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;
import r1j.tensor.Tensor;
import r1j.testing.GradCheck;

/** The GRPO objective against hand computations on fixed log-probs and rewards. */
class GrpoObjectiveTest {
    static final GrpoObjective.Config CLIP = new GrpoObjective.Config(0.2f, 0.2f, 0f);

    @Test
    void workedExampleAdvantages() {
        // docs/grpo.md: rewards 0.1, 1.1, 1.0, 0.1; mean 0.575; sample std 0.55, population std 0.4763.
        double[][] r = {{0.1, 1.1, 1.0, 0.1}};
        double[] sample = Advantages.compute(r, Advantages.Scale.GROUP_STD_SAMPLE)[0];
        assertThat(sample).containsExactly(new double[] {-0.8636, 0.9545, 0.7727, -0.8636}, offset(5e-4));
        double[] pop = Advantages.compute(r, Advantages.Scale.GROUP_STD_POPULATION)[0];
        assertThat(pop).containsExactly(new double[] {-0.9972, 1.1022, 0.8923, -0.9972}, offset(5e-4));
        double[] none = Advantages.compute(r, Advantages.Scale.NONE)[0];
        assertThat(none).containsExactly(new double[] {-0.475, 0.525, 0.425, -0.475}, offset(1e-12));
    }

    @Test
    void zeroSpreadGroupsHaveZeroAdvantage() {
        double[][] adv = Advantages.compute(new double[][] {{1, 1, 1, 1}, {0, 1, 0, 1}}, Advantages.Scale.GROUP_STD_SAMPLE);
        assertThat(adv[0]).containsOnly(0.0);
        assertThat(adv[1][1]).isPositive();
        assertThat(Advantages.zeroSpread(new double[] {0.1, 0.1})).isTrue();
        double[][] batch = Advantages.compute(new double[][] {{0, 2}, {1, 1}}, Advantages.Scale.BATCH_STD);
        // batch std of {0, 2, 1, 1} with n − 1 = sqrt(2/3)
        assertThat(batch[0][1]).isCloseTo(1 / (Math.sqrt(2.0 / 3) + 1e-4), offset(1e-9));
        assertThat(batch[1]).containsOnly(0.0);
    }

    private static Tensor lp(float... v) {
        return Tensor.param("lp", v.clone(), v.length);
    }

    @Test
    void clippingOnBothSides() {
        // ratios e^(lp − old): 1.5 (A > 0, clipped to 1.2), 0.5 (A < 0, clipped to 0.8), 0.5 (A > 0, not clipped)
        float[] old = {0f, 0f, 0f};
        Tensor p = lp((float) Math.log(1.5), (float) Math.log(0.5), (float) Math.log(0.5));
        float[] adv = {2f, -1f, 3f}, w = {1f, 1f, 1f};
        GrpoObjective.Result res = GrpoObjective.loss(p, old, null, adv, w, CLIP);
        // J = 1.2·2 + 0.8·(−1) + 0.5·3 = 3.1 → loss −3.1
        assertThat(res.loss().item()).isCloseTo(-3.1f, offset(1e-5f));
        assertThat(res.clipHigh()).isCloseTo(1.0 / 3, offset(1e-9));
        assertThat(res.clipLow()).isCloseTo(1.0 / 3, offset(1e-9));
        res.loss().backward();
        // Clipped tokens get no gradient; the unclipped one gets −A·ρ = −1.5.
        assertThat(p.grad()).containsExactly(new float[] {0f, 0f, -1.5f}, offset(1e-5f));
    }

    @Test
    void firstPassRatioIsOneButTheGradientIsNot() {
        float[] old = {-1.2f, -0.3f, -2.0f};
        Tensor p = lp(old);
        float[] adv = {0.5f, -1f, 2f}, w = {0.25f, 0.25f, 0.5f};
        GrpoObjective.Result res = GrpoObjective.loss(p, old, null, adv, w, CLIP);
        assertThat(res.ratioMean()).isCloseTo(1.0, offset(1e-9));
        assertThat(res.loss().item()).isCloseTo(-(0.25f * 0.5f - 0.25f + 0.5f * 2f), offset(1e-6f));
        res.loss().backward();
        assertThat(p.grad()).containsExactly(new float[] {-0.125f, 0.25f, -1f}, offset(1e-6f));
    }

    @Test
    void k3KlValueAndGradient() {
        float[] old = {-1f, -2f}, ref = {-1.5f, -1f};
        Tensor p = lp(-1f, -2f);
        GrpoObjective.Config kl = new GrpoObjective.Config(0.2f, 0.2f, 0.1f);
        GrpoObjective.Result res = GrpoObjective.loss(p, old, ref, new float[] {0f, 0f}, new float[] {1f, 1f}, kl);
        // d = ref − lp: −0.5 and 1; D = e^d − d − 1
        double d1 = Math.exp(-0.5) + 0.5 - 1, d2 = Math.exp(1) - 1 - 1;
        assertThat(res.kl()).isCloseTo((d1 + d2) / 2, offset(1e-6));
        assertThat((double) res.loss().item()).isCloseTo(0.1 * (d1 + d2), offset(1e-6));
        res.loss().backward();
        // ∂(β·D)/∂lp = β·(1 − e^d)
        assertThat((double) p.grad()[0]).isCloseTo(0.1 * (1 - Math.exp(-0.5)), offset(1e-6));
        assertThat((double) p.grad()[1]).isCloseTo(0.1 * (1 - Math.exp(1)), offset(1e-6));
        // And a finite-difference check of the whole objective away from the clip boundaries.
        Tensor q = lp(-1.05f, -1.9f);
        GradCheck.check(() -> GrpoObjective.loss(q, old, ref, new float[] {1f, -0.5f}, new float[] {0.5f, 0.5f}, kl).loss(),
                List.of(q), 1e-3f, 1e-2, 1e-4);
    }

    @Test
    void aggregationWeights() {
        int[] lens = {2, 3};
        boolean[] none = {false, false};
        assertThat(GrpoObjective.weights(lens, none, GrpoObjective.Aggregation.SEQUENCE_MEAN, 10))
                .containsExactly(new float[] {0.25f, 0.25f, 1f / 6, 1f / 6, 1f / 6}, offset(1e-7f));
        assertThat(GrpoObjective.weights(lens, none, GrpoObjective.Aggregation.TOKEN_MEAN, 10)).containsOnly(0.2f);
        assertThat(GrpoObjective.weights(lens, none, GrpoObjective.Aggregation.CONSTANT, 10)).containsOnly(0.05f);
        // A masked (truncated) completion gets no weight and does not count in the normaliser.
        assertThat(GrpoObjective.weights(lens, new boolean[] {true, false}, GrpoObjective.Aggregation.TOKEN_MEAN, 10))
                .containsExactly(new float[] {0f, 0f, 1f / 3, 1f / 3, 1f / 3}, offset(1e-7f));
    }

    @Test
    void promptOrderIsAPermutationPerEpoch() {
        int n = 37;
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) seen[RolloutBatch.permuted(i, n, 5)] = true;
        for (boolean s : seen) assertThat(s).isTrue();
        assertThat(RolloutBatch.permuted(3, n, 5)).isEqualTo(RolloutBatch.permuted(3, n, 5));
    }

    /** min(π_old / π_sampler, C) token by token, computed by hand: e^0.5, e^−1, and e^1.5 capped at 2. */
    @Test
    void truncatedImportanceWeightsByHand() {
        float[] w = GrpoObjective.truncatedImportanceWeights(new float[] {-1f, -2f, -0.5f, -3f}, new float[] {-1.5f, -1f, -2f, -3f}, 2f);
        assertThat(w[0]).isCloseTo(1.6487213f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(w[1]).isCloseTo(0.36787944f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(w[2]).isEqualTo(2f);
        assertThat(w[3]).isEqualTo(1f);
    }
}
