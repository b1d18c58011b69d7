package r1j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import r1j.tensor.Kernels;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/**
 * Causal multi-head attention fused with an online softmax (Milakov &amp; Gimelshein 2018; FlashAttention's
 * forward, Dao et al. 2022): keys are visited in blocks, the running maximum and normaliser rescale the partial
 * output, and only the per-row log-sum-exp is kept for the backward, which recomputes the probabilities. No
 * [T, T] matrix exists at any time.
 *
 * <p>Layout: q [B·T, H·dqk], k [B·T, Hkv·dqk], v [B·T, Hkv·dv]; output [B·T, H·dv]. Head h reads kv head
 * h / (H / Hkv) (grouped-query attention; MLA's naive form is Hkv = H with dqk ≠ dv).
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int BLOCK = 64;

    private Attention() {}

    public static Tensor causal(Tensor q, Tensor k, Tensor v, int batch, int seq, int heads, int kvHeads, float scale) {
        int rows = batch * seq;
        if (q.rows() != rows || k.rows() != rows || v.rows() != rows) {
            throw new IllegalArgumentException("attention: q, k, v need " + rows + " rows (batch " + batch + " × seq "
                    + seq + "), got " + q.rows() + ", " + k.rows() + ", " + v.rows());
        }
        if (heads % kvHeads != 0 || q.cols() % heads != 0 || k.cols() % kvHeads != 0 || v.cols() % kvHeads != 0
                || q.cols() / heads != k.cols() / kvHeads) {
            throw new IllegalArgumentException("attention: q [" + rows + ", " + q.cols() + "] with " + heads
                    + " heads does not match k [" + rows + ", " + k.cols() + "] and v [" + rows + ", " + v.cols()
                    + "] with " + kvHeads + " kv heads");
        }
        Dims dm = new Dims(batch, seq, heads, kvHeads, q.cols() / heads, v.cols() / kvHeads, scale);
        float[] lse = new float[batch * heads * seq];
        Tensor out = Tensor.result(new int[] {rows, heads * dm.dv}, o -> backward(q, k, v, o, lse, dm), q, k, v);
        Parallel.range(batch * kvHeads, 1, (c, lo, hi) -> {
            float[] s = new float[BLOCK];
            float[] acc = new float[dm.dv];
            for (int task = lo; task < hi; task++) forwardTask(task, q.data, k.data, v.data, out.data, lse, dm, s, acc);
        });
        return out;
    }

    private record Dims(int batch, int seq, int heads, int kvHeads, int dqk, int dv, float scale) {
        int group() {
            return heads / kvHeads;
        }
    }

    private static void forwardTask(int task, float[] q, float[] k, float[] v, float[] o, float[] lse, Dims dm,
                                    float[] s, float[] acc) {
        int b = task / dm.kvHeads, kvh = task % dm.kvHeads;
        int qCols = dm.heads * dm.dqk, kCols = dm.kvHeads * dm.dqk, vCols = dm.kvHeads * dm.dv, oCols = dm.heads * dm.dv;
        for (int h = kvh * dm.group(); h < (kvh + 1) * dm.group(); h++) {
            for (int i = 0; i < dm.seq; i++) {
                int qo = (b * dm.seq + i) * qCols + h * dm.dqk;
                float m = Float.NEGATIVE_INFINITY;
                double l = 0;
                java.util.Arrays.fill(acc, 0f);
                for (int j0 = 0; j0 <= i; j0 += BLOCK) {
                    int j1 = Math.min(i + 1, j0 + BLOCK);
                    float bm = Float.NEGATIVE_INFINITY;
                    for (int j = j0; j < j1; j++) {
                        float sc = dm.scale * Kernels.dot(q, qo, k, (b * dm.seq + j) * kCols + kvh * dm.dqk, dm.dqk);
                        s[j - j0] = sc;
                        bm = Math.max(bm, sc);
                    }
                    float nm = Math.max(m, bm);
                    if (m != Float.NEGATIVE_INFINITY && nm != m) {
                        float corr = (float) Math.exp(m - nm);
                        l *= corr;
                        Kernels.scale(corr, acc, 0, dm.dv);
                    }
                    m = nm;
                    expInPlace(s, j1 - j0, m);
                    for (int j = j0; j < j1; j++) {
                        float p = s[j - j0];
                        l += p;
                        Kernels.axpy(p, v, (b * dm.seq + j) * vCols + kvh * dm.dv, acc, 0, dm.dv);
                    }
                }
                float invL = (float) (1.0 / l);
                int oo = (b * dm.seq + i) * oCols + h * dm.dv;
                for (int c = 0; c < dm.dv; c++) o[oo + c] = acc[c] * invL;
                lse[(b * dm.heads + h) * dm.seq + i] = (float) (m + Math.log(l));
            }
        }
    }

    /** s[i] = exp(s[i] − shift) for i &lt; n. */
    private static void expInPlace(float[] s, int n, float shift) {
        FloatVector vs = FloatVector.broadcast(S, shift);
        int i = 0;
        for (int up = n - S.length(); i <= up; i += S.length()) {
            Kernels.exp(FloatVector.fromArray(S, s, i).sub(vs)).intoArray(s, i);
        }
        for (; i < n; i++) s[i] = Kernels.exp(s[i] - shift);
    }

    /**
     * With P recomputed from the saved log-sum-exp: dV_j += P_ij·dO_i, dP_ij = dO_i·V_j,
     * dS_ij = P_ij (dP_ij − D_i) with D_i = dO_i·O_i, dQ_i += scale·dS_ij K_j, dK_j += scale·dS_ij Q_i.
     * One task per (sequence, kv head) owns its dK and dV rows, so there are no races.
     */
    private static void backward(Tensor q, Tensor k, Tensor v, Tensor out, float[] lse, Dims dm) {
        float[] dq = q.requiresGrad() ? q.gradBuffer() : null;
        float[] dk = k.requiresGrad() ? k.gradBuffer() : null;
        float[] dvv = v.requiresGrad() ? v.gradBuffer() : null;
        float[] qd = q.data, kd = k.data, vd = v.data, od = out.data, dO = out.grad();
        int qCols = dm.heads * dm.dqk, kCols = dm.kvHeads * dm.dqk, vCols = dm.kvHeads * dm.dv, oCols = dm.heads * dm.dv;
        Parallel.range(dm.batch * dm.kvHeads, 1, (c, lo, hi) -> {
            float[] p = new float[dm.seq];
            for (int task = lo; task < hi; task++) {
                int b = task / dm.kvHeads, kvh = task % dm.kvHeads;
                for (int h = kvh * dm.group(); h < (kvh + 1) * dm.group(); h++) {
                    for (int i = 0; i < dm.seq; i++) {
                        int qo = (b * dm.seq + i) * qCols + h * dm.dqk;
                        int oo = (b * dm.seq + i) * oCols + h * dm.dv;
                        float rowLse = lse[(b * dm.heads + h) * dm.seq + i];
                        float dsum = Kernels.dot(dO, oo, od, oo, dm.dv);
                        for (int j = 0; j <= i; j++) {
                            p[j] = dm.scale * Kernels.dot(qd, qo, kd, (b * dm.seq + j) * kCols + kvh * dm.dqk, dm.dqk);
                        }
                        expInPlace(p, i + 1, rowLse);
                        for (int j = 0; j <= i; j++) {
                            int ko = (b * dm.seq + j) * kCols + kvh * dm.dqk;
                            int vo = (b * dm.seq + j) * vCols + kvh * dm.dv;
                            float pij = p[j];
                            if (dvv != null) Kernels.axpy(pij, dO, oo, dvv, vo, dm.dv);
                            float ds = pij * (Kernels.dot(dO, oo, vd, vo, dm.dv) - dsum) * dm.scale;
                            if (dq != null) Kernels.axpy(ds, kd, ko, dq, qo, dm.dqk);
                            if (dk != null) Kernels.axpy(ds, qd, qo, dk, ko, dm.dqk);
                        }
                    }
                }
            }
        });
    }
}
