package r1j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static r1j.testing.GradCheck.randn;

import org.junit.jupiter.api.Test;
import r1j.tensor.Tensor;

/** Known answers and naive references for the fused layers. */
class NnValuesTest {
    @Test
    void attentionMatchesExplicitSoftmax() {
        int b = 2, t = 70, h = 4, kvh = 2, dqk = 6, dv = 5;
        Tensor q = randn("q", 1, 1f, b * t, h * dqk), k = randn("k", 2, 1f, b * t, kvh * dqk), v = randn("v", 3, 1f, b * t, kvh * dv);
        float scale = 0.45f;
        Tensor o = Attention.causal(q, k, v, b, t, h, kvh, scale);
        for (int s = 0; s < b; s++) {
            for (int hh = 0; hh < h; hh++) {
                int g = hh / (h / kvh);
                for (int i = 0; i < t; i++) {
                    double[] w = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY, z = 0;
                    for (int j = 0; j <= i; j++) {
                        double d = 0;
                        for (int c = 0; c < dqk; c++) d += q.data[(s * t + i) * h * dqk + hh * dqk + c] * k.data[(s * t + j) * kvh * dqk + g * dqk + c];
                        w[j] = d * scale;
                        max = Math.max(max, w[j]);
                    }
                    for (int j = 0; j <= i; j++) z += (w[j] = Math.exp(w[j] - max));
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j <= i; j++) acc += w[j] / z * v.data[(s * t + j) * kvh * dv + g * dv + c];
                        assertThat(o.data[(s * t + i) * h * dv + hh * dv + c]).isCloseTo((float) acc, offset(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void rmsnormKnownValue() {
        Tensor x = Tensor.of(new float[] {3f, 4f}, 1, 2), w = Tensor.of(new float[] {1f, 2f}, 2);
        Tensor y = RMSNorm.apply(x, w, 0f);
        float r = (float) Math.sqrt(12.5);
        assertThat(y.data).containsExactly(new float[] {3f / r, 8f / r}, offset(1e-6f));
    }

    @Test
    void ropeRotatesPairsByPositionTimesFrequency() {
        // dim 4: frequencies 1 and θ^(-1/2) = 0.01 for θ = 10000.
        RopeTable table = RopeTable.standard(4, 10000.0);
        Tensor x = Tensor.of(new float[] {1f, 0f, 1f, 0f}, 1, 4);
        Tensor inter = Rope.apply(x, new int[] {2}, 1, 4, 0, table, true);
        assertThat(inter.data).containsExactly(new float[] {
            (float) Math.cos(2), (float) Math.sin(2), (float) Math.cos(0.02), (float) Math.sin(0.02)}, offset(1e-6f));
        // Half-split: pairs (0, 2) and (1, 3).
        Tensor half = Rope.apply(Tensor.of(new float[] {1f, 1f, 0f, 0f}, 1, 4), new int[] {2}, 1, 4, 0, table, false);
        assertThat(half.data).containsExactly(new float[] {
            (float) Math.cos(2), (float) Math.cos(0.02), (float) Math.sin(2), (float) Math.sin(0.02)}, offset(1e-6f));
    }

    @Test
    void crossEntropyOfUniformLogitsIsLogVocab() {
        Tensor logits = Tensor.of(new float[4 * 10], 4, 10);
        CrossEntropy.Result r = CrossEntropy.apply(logits, new int[] {1, 2, -1, 9});
        assertThat(r.loss().item()).isCloseTo((float) Math.log(10), offset(1e-6f));
        assertThat(r.counted()).isEqualTo(3);
        assertThat(r.tokenLogProbs().data[2]).isEqualTo(0f);
    }
}
