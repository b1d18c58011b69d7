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

    static final GrpoObjective.Config GSPO = new GrpoObjective.Config(0.2f, 0.2f, 0f, GrpoObjective.ImportanceLevel.SEQUENCE,
            GrpoObjective.PolicyLoss.CLIP);
    static final GrpoObjective.Config CISPO = new GrpoObjective.Config(0.2f, 0.2f, 0f, GrpoObjective.ImportanceLevel.TOKEN,
            GrpoObjective.PolicyLoss.CISPO);

    /**
     * GSPO by hand: two sequences, [0, 2) and [2, 5). Sequence 1's log-ratios 0.3 and −0.1 give s₁ = e^0.1 = 1.10517
     * (inside the clip range); sequence 2's 0.5, 0.4, 0.6 give s₂ = e^0.5 = 1.64872, clipped to 1.2 with A > 0.
     */
    @Test
    void gspoClipsEachSequencesLengthNormalisedRatio() {
        float[] old = {-1f, -2f, -0.5f, -1.5f, -3f};
        Tensor p = lp(-0.7f, -2.1f, 0f, -1.1f, -2.4f);
        float[] adv = {-1f, -1f, 2f, 2f, 2f}, w = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
        var t = new GrpoObjective.Tokens(old, null, adv, w, new int[] {0, 2, 5});
        GrpoObjective.Result res = GrpoObjective.loss(p, t, GSPO);
        double s1 = Math.exp(0.1);
        // J = Σ w·min(sA, clip(s)A): sequence 1 (A = −1) 2·0.2·(−s₁); sequence 2 (A = 2) 3·0.2·1.2·2
        assertThat((double) res.loss().item()).isCloseTo(-(2 * 0.2 * -s1 + 3 * 0.2 * 1.2 * 2), offset(1e-5));
        assertThat(res.clipHigh()).as("the 3 tokens of the clipped sequence").isCloseTo(0.6, offset(1e-9));
        assertThat(res.clipLow()).isZero();
        res.loss().backward();
        // ∂/∂lp_u of Σ_t w_t·s₁·A = (Σ_t w_t)·A·s₁/|o₁| = 0.4·(−1)·s₁/2, negated for the loss; the clipped sequence: 0
        double g1 = 0.4 * s1 / 2;
        assertThat(p.grad()).containsExactly(new float[] {(float) g1, (float) g1, 0f, 0f, 0f}, offset(1e-6f));
        // A finite-difference check away from the clip boundaries, with a KL term
        Tensor q = lp(-0.9f, -2.05f, -0.45f, -1.55f, -2.9f);
        float[] ref = {-1.1f, -1.8f, -0.6f, -1.4f, -3.2f};
        var withRef = new GrpoObjective.Tokens(old, ref, adv, new float[] {0.25f, 0.25f, 0.5f / 3, 0.5f / 3, 0.5f / 3}, t.sequences());
        GradCheck.check(() -> GrpoObjective.loss(q, withRef, new GrpoObjective.Config(0.2f, 0.2f, 0.05f,
                GrpoObjective.ImportanceLevel.SEQUENCE, GrpoObjective.PolicyLoss.CLIP)).loss(), List.of(q), 1e-3f, 1e-2, 1e-4);
    }

    /** On-policy (ρ = 1) GSPO's gradient is GRPO's: Σ_t w_t·A/|o|·Σ_u ∇log π_u = Σ_u w_u·A·∇log π_u under token-mean weights. */
    @Test
    void gspoMatchesGrpoOnPolicy() {
        float[] old = {-1.2f, -0.3f, -2.0f, -0.7f};
        float[] adv = {0.5f, 0.5f, -1f, -1f}, w = {0.25f, 0.25f, 0.25f, 0.25f};
        Tensor a = lp(old), b = lp(old);
        GrpoObjective.loss(a, old, null, adv, w, CLIP).loss().backward();
        GrpoObjective.loss(b, new GrpoObjective.Tokens(old, null, adv, w, new int[] {0, 2, 4}), GSPO).loss().backward();
        assertThat(b.grad()).containsExactly(a.grad(), offset(1e-7f));
    }

    /**
     * CISPO by hand: ratios 1.5 (A > 0), 0.5 (A < 0), 0.5 (A > 0) — the same tokens the clipped surrogate zeroes two of
     * — give J = Σ w·sg(clip(ρ))·A·log π: every token keeps its gradient −w·clip(ρ)·A.
     */
    @Test
    void cispoKeepsTheGradientOfClippedTokens() {
        float[] old = {-1f, -1f, -1f};
        float l1 = (float) Math.log(1.5) - 1, l2 = (float) Math.log(0.5) - 1;
        Tensor p = lp(l1, l2, l2);
        float[] adv = {2f, -1f, 3f}, w = {1f / 3, 1f / 3, 1f / 3};
        GrpoObjective.Result res = GrpoObjective.loss(p, old, null, adv, w, CISPO);
        double j = (1.2 * 2 * l1 + 0.8 * -1 * l2 + 0.8 * 3 * l2) / 3;
        assertThat((double) res.loss().item()).isCloseTo(-j, offset(1e-5));
        assertThat(res.clipHigh()).isCloseTo(1.0 / 3, offset(1e-9));
        assertThat(res.clipLow()).as("both tokens under 0.8, whatever A's sign").isCloseTo(2.0 / 3, offset(1e-9));
        res.loss().backward();
        assertThat(p.grad()).containsExactly(new float[] {-1.2f * 2 / 3, 0.8f / 3, -0.8f * 3 / 3}, offset(1e-6f));
        // On-policy its gradient is GRPO's
        Tensor a = lp(old), b = lp(old);
        GrpoObjective.loss(a, old, null, adv, w, CLIP).loss().backward();
        GrpoObjective.loss(b, old, null, adv, w, CISPO).loss().backward();
        assertThat(b.grad()).containsExactly(a.grad(), offset(1e-7f));
    }

    /** The segment mean and its gradient (each value's gradient is its segment's mean of the output gradients). */
    @Test
    void segmentMeanByHand() {
        Tensor x = lp(1f, 2f, 3f, 4f, 5f, 6f);
        Tensor y = r1j.tensor.Reduce.segmentMean(x, new int[] {0, 1, 1, 4, 6});
        assertThat(y.data).containsExactly(1f, 3f, 3f, 3f, 5.5f, 5.5f);
        r1j.tensor.Reduce.weightedSum(y, new float[] {1f, 3f, 0f, 0f, 2f, 4f}, 1f).backward();
        assertThat(x.grad()).containsExactly(1f, 1f, 1f, 1f, 3f, 3f);
    }
}
