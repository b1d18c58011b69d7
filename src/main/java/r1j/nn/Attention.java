package r1j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import r1j.tensor.Gemm;
import r1j.tensor.Kernels;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/**
 * Causal multi-head attention fused with an online softmax (Milakov &amp; Gimelshein 2018), tiled as
 * FlashAttention (Dao et al. 2022): for a block of queries, key blocks are visited in order, S = Q·Kᵀ and P·V
 * are small products through the one {@link Gemm}, and the running row maximum and normaliser rescale the partial
 * output. Only the per-row log-sum-exp is kept; the backward recomputes P block by block. No [T, T] matrix exists.
 *
 * <p>Layout: q [B·T, H·dqk], k [B·T, Hkv·dqk], v [B·T, Hkv·dv]; output [B·T, H·dv]. Head h reads kv head
 * h / (H / Hkv) (grouped-query attention; MLA's naive form is Hkv = H with dqk ≠ dv). One task per
 * (sequence, kv head) owns the dK and dV rows it writes, so the backward has no races and a fixed order.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int BQ = 64;
    private static final int BK = 64;

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
            float[] s = new float[BQ * BK], acc = new float[BQ * dm.dv], m = new float[BQ], l = new float[BQ];
            for (int task = lo; task < hi; task++) {
                int b = task / kvHeads, kvh = task % kvHeads;
                for (int h = kvh * dm.group(); h < (kvh + 1) * dm.group(); h++) {
                    for (int i0 = 0; i0 < seq; i0 += BQ) {
                        forwardBlock(b, kvh, h, i0, q.data, k.data, v.data, out.data, lse, dm, s, acc, m, l);
                    }
                }
            }
        });
        return out;
    }

    private record Dims(int batch, int seq, int heads, int kvHeads, int dqk, int dv, float scale) {
        int group() {
            return heads / kvHeads;
        }

        int qOff(int b, int i, int h) {
            return (b * seq + i) * heads * dqk + h * dqk;
        }

        int kOff(int b, int j, int kvh) {
            return (b * seq + j) * kvHeads * dqk + kvh * dqk;
        }

        int vOff(int b, int j, int kvh) {
            return (b * seq + j) * kvHeads * dv + kvh * dv;
        }

        int oOff(int b, int i, int h) {
            return (b * seq + i) * heads * dv + h * dv;
        }
    }

    private static void forwardBlock(int b, int kvh, int h, int i0, float[] q, float[] k, float[] v, float[] o,
                                     float[] lse, Dims dm, float[] s, float[] acc, float[] m, float[] l) {
        int i1 = Math.min(dm.seq, i0 + BQ), mq = i1 - i0;
        int qCols = dm.heads * dm.dqk, kCols = dm.kvHeads * dm.dqk, vCols = dm.kvHeads * dm.dv;
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(l, 0f);
        java.util.Arrays.fill(acc, 0, mq * dm.dv, 0f);
        for (int j0 = 0; j0 < i1; j0 += BK) {
            int nk = Math.min(BK, i1 - j0);
            Gemm.gemm(false, true, mq, nk, dm.dqk, q, dm.qOff(b, i0, h), qCols, k, dm.kOff(b, j0, kvh), kCols, s, 0, BK, false);
            for (int r = 0; r < mq; r++) {
                int valid = Math.min(nk, i0 + r - j0 + 1);
                int so = r * BK;
                if (valid <= 0) {
                    java.util.Arrays.fill(s, so, so + nk, 0f);
                    continue;
                }
                float bm = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < valid; c++) bm = Math.max(bm, s[so + c] * dm.scale);
                float nm = Math.max(m[r], bm);
                float corr = m[r] == Float.NEGATIVE_INFINITY ? 0f : Kernels.exp(m[r] - nm);
                float rowSum = expScaled(s, so, valid, dm.scale, nm);
                java.util.Arrays.fill(s, so + valid, so + nk, 0f);
                l[r] = l[r] * corr + rowSum;
                if (corr != 1f) Kernels.scale(corr, acc, r * dm.dv, dm.dv);
                m[r] = nm;
            }
            Gemm.gemm(false, false, mq, dm.dv, nk, s, 0, BK, v, dm.vOff(b, j0, kvh), vCols, acc, 0, dm.dv, true);
        }
        for (int r = 0; r < mq; r++) {
            float inv = 1f / l[r];
            int oo = dm.oOff(b, i0 + r, h);
            for (int c = 0; c < dm.dv; c++) o[oo + c] = acc[r * dm.dv + c] * inv;
            lse[(b * dm.heads + h) * dm.seq + i0 + r] = m[r] + (float) Math.log(l[r]);
        }
    }

    /** s[o+i] = exp(scale·s[o+i] − shift) for i &lt; n; returns their sum. */
    private static float expScaled(float[] s, int o, int n, float scale, float shift) {
        FloatVector vs = FloatVector.broadcast(S, scale), sh = FloatVector.broadcast(S, -shift);
        FloatVector sum = FloatVector.zero(S);
        int i = 0;
        for (int up = n - S.length(); i <= up; i += S.length()) {
            FloatVector e = Kernels.exp(FloatVector.fromArray(S, s, o + i).fma(vs, sh));
            e.intoArray(s, o + i);
            sum = sum.add(e);
        }
        float total = Kernels.sumLanes(sum);
        for (; i < n; i++) total += s[o + i] = Kernels.exp(Math.fma(s[o + i], scale, -shift));
        return total;
    }

    /**
     * Per block, with P recomputed from the saved log-sum-exp: dP = dO·Vᵀ, dS = P ⊙ (dP − D)·scale with
     * D_i = dO_i·O_i, then dQ += dS·K, dK += dSᵀ·Q, dV += Pᵀ·dO.
     */
    private static void backward(Tensor q, Tensor k, Tensor v, Tensor out, float[] lse, Dims dm) {
        float[] dq = q.requiresGrad() ? q.gradBuffer() : null;
        float[] dk = k.requiresGrad() ? k.gradBuffer() : null;
        float[] dvv = v.requiresGrad() ? v.gradBuffer() : null;
        float[] qd = q.data, kd = k.data, vd = v.data, od = out.data, dO = out.grad();
        int qCols = dm.heads * dm.dqk, kCols = dm.kvHeads * dm.dqk, vCols = dm.kvHeads * dm.dv, oCols = dm.heads * dm.dv;
        Parallel.range(dm.batch * dm.kvHeads, 1, (c, lo, hi) -> {
            float[] p = new float[BQ * BK], ds = new float[BQ * BK], dsum = new float[BQ];
            for (int task = lo; task < hi; task++) {
                int b = task / dm.kvHeads, kvh = task % dm.kvHeads;
                for (int h = kvh * dm.group(); h < (kvh + 1) * dm.group(); h++) {
                    for (int i0 = 0; i0 < dm.seq; i0 += BQ) {
                        int i1 = Math.min(dm.seq, i0 + BQ), mq = i1 - i0;
                        int qo = dm.qOff(b, i0, h), oo = dm.oOff(b, i0, h);
                        for (int r = 0; r < mq; r++) dsum[r] = Kernels.dot(dO, oo + r * oCols, od, oo + r * oCols, dm.dv);
                        for (int j0 = 0; j0 < i1; j0 += BK) {
                            int nk = Math.min(BK, i1 - j0);
                            int ko = dm.kOff(b, j0, kvh), vo = dm.vOff(b, j0, kvh);
                            Gemm.gemm(false, true, mq, nk, dm.dqk, qd, qo, qCols, kd, ko, kCols, p, 0, BK, false);
                            Gemm.gemm(false, true, mq, nk, dm.dv, dO, oo, oCols, vd, vo, vCols, ds, 0, BK, false);
                            for (int r = 0; r < mq; r++) {
                                int valid = Math.max(0, Math.min(nk, i0 + r - j0 + 1));
                                int so = r * BK;
                                float rowLse = lse[(b * dm.heads + h) * dm.seq + i0 + r];
                                expScaled(p, so, valid, dm.scale, rowLse);
                                for (int cc = 0; cc < valid; cc++) ds[so + cc] = p[so + cc] * (ds[so + cc] - dsum[r]) * dm.scale;
                                for (int cc = valid; cc < nk; cc++) {
                                    p[so + cc] = 0f;
                                    ds[so + cc] = 0f;
                                }
                            }
                            if (dq != null) Gemm.gemm(false, false, mq, dm.dqk, nk, ds, 0, BK, kd, ko, kCols, dq, qo, qCols, true);
                            if (dk != null) Gemm.gemm(true, false, nk, dm.dqk, mq, ds, 0, BK, qd, qo, qCols, dk, ko, kCols, true);
                            if (dvv != null) Gemm.gemm(true, false, nk, dm.dv, mq, p, 0, BK, dO, oo, oCols, dvv, vo, vCols, true);
                        }
                    }
                }
            }
        });
    }
}
