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
        Tensor o = Attention.causal(q, k, v, Attention.Shape.of(b, t, h, kvh, scale));
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
    void sharedPrefixEqualsRepeatingItInEverySequence() {
        // [P shared ; T own] rows against B full sequences of P + T rows: outputs equal row for row, the shared rows'
        // key and value gradients equal the sum over the sequences.
        int p = 67, b = 3, t = 5, h = 2, kvh = 1, dqk = 6, dv = 4, full = p + t;
        Tensor q = randn("q", 4, 1f, p + b * t, h * dqk), k = randn("k", 5, 1f, p + b * t, kvh * dqk), v = randn("v", 6, 1f, p + b * t, kvh * dv);
        Tensor qf = Tensor.param("qf", expand(q.data, p, b, t, h * dqk), b * full, h * dqk);
        Tensor kf = Tensor.param("kf", expand(k.data, p, b, t, kvh * dqk), b * full, kvh * dqk);
        Tensor vf = Tensor.param("vf", expand(v.data, p, b, t, kvh * dv), b * full, kvh * dv);
        Tensor o = Attention.causal(q, k, v, new Attention.Shape(p, b, t, h, kvh, 0.45f)), of = Attention.causal(qf, kf, vf, Attention.Shape.of(b, full, h, kvh, 0.45f));
        float[] r = new float[o.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) Math.sin(i * 0.37);
        float[] rf = new float[of.numel()];
        int oc = h * dv;
        for (int s = 0; s < b; s++) {
            System.arraycopy(r, (p + s * t) * oc, rf, (s * full + p) * oc, t * oc);
            // The shared rows' output gradient goes to the first sequence's copy only, as the prefix is computed once.
            if (s == 0) System.arraycopy(r, 0, rf, 0, p * oc);
        }
        o.backward(r);
        of.backward(rf);
        assertThat(o.data).containsExactly(gather(of.data, p, b, t, oc), offset(1e-5f));
        assertThat(q.grad()).containsExactly(gather(qf.grad(), p, b, t, h * dqk), offset(1e-5f));
        assertThat(k.grad()).containsExactly(sumShared(kf.grad(), p, b, t, kvh * dqk), offset(1e-4f));
        assertThat(v.grad()).containsExactly(sumShared(vf.grad(), p, b, t, kvh * dv), offset(1e-4f));
    }

    /** [P ; B·T] rows → B rows of [P ; T]. */
    private static float[] expand(float[] x, int p, int b, int t, int cols) {
        float[] y = new float[b * (p + t) * cols];
        for (int s = 0; s < b; s++) {
            System.arraycopy(x, 0, y, s * (p + t) * cols, p * cols);
            System.arraycopy(x, (p + s * t) * cols, y, (s * (p + t) + p) * cols, t * cols);
        }
        return y;
    }

    /** B rows of [P ; T] → [P of the first ; B·T]. */
    private static float[] gather(float[] y, int p, int b, int t, int cols) {
        float[] x = new float[(p + b * t) * cols];
        System.arraycopy(y, 0, x, 0, p * cols);
        for (int s = 0; s < b; s++) System.arraycopy(y, (s * (p + t) + p) * cols, x, (p + s * t) * cols, t * cols);
        return x;
    }

    /** B rows of [P ; T] → [Σ over sequences of P ; B·T]. */
    private static float[] sumShared(float[] y, int p, int b, int t, int cols) {
        float[] x = gather(y, p, b, t, cols);
        for (int s = 1; s < b; s++) for (int i = 0; i < p * cols; i++) x[i] += y[s * (p + t) * cols + i];
        return x;
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
