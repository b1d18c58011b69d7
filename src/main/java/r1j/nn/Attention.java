package r1j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import r1j.tensor.BufferPool;
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
 *
 * <p>With a shared prefix of P rows (rows = P + B·T), the first P rows are one start that all B sequences
 * continue: sequence b is [rows 0..P) ; its own T rows], its positions run P..P+T−1, and the prefix is computed
 * once instead of B times (the GRPO update, where every rollout begins with the same template). The prefix's
 * dK and dV, written by every sequence, go to per-sequence buffers summed afterwards in sequence order.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int BQ = 64;
    private static final int BK = 64;

    private Attention() {}

    /**
     * The layout of one attention call: batch sequences of seq rows that all continue the same first prefix rows (0:
     * none), heads query heads over kvHeads key/value heads, and the softmax scale.
     */
    public record Shape(int prefix, int batch, int seq, int heads, int kvHeads, float scale) {
        /** batch sequences of seq rows each, no shared prefix. */
        public static Shape of(int batch, int seq, int heads, int kvHeads, float scale) {
            return new Shape(0, batch, seq, heads, kvHeads, scale);
        }
    }

    /** Causal attention over q, k and v laid out as the shape says. */
    public static Tensor causal(Tensor q, Tensor k, Tensor v, Shape shape) {
        int prefix = shape.prefix(), batch = shape.batch(), seq = shape.seq(), heads = shape.heads(), kvHeads = shape.kvHeads();
        float scale = shape.scale();
        int rows = prefix + batch * seq;
        if (q.rows() != rows || k.rows() != rows || v.rows() != rows) {
            throw new IllegalArgumentException("attention: q, k, v need " + rows + " rows (prefix " + prefix + " + batch "
                    + batch + " × seq " + seq + "), got " + q.rows() + ", " + k.rows() + ", " + v.rows());
        }
        if (heads % kvHeads != 0 || q.cols() % heads != 0 || k.cols() % kvHeads != 0 || v.cols() % kvHeads != 0
                || q.cols() / heads != k.cols() / kvHeads) {
            throw new IllegalArgumentException("attention: q [" + rows + ", " + q.cols() + "] with " + heads
                    + " heads does not match k [" + rows + ", " + k.cols() + "] and v [" + rows + ", " + v.cols()
                    + "] with " + kvHeads + " kv heads");
        }
        Dims dm = new Dims(shape, q.cols() / heads, v.cols() / kvHeads);
        float[] lse = new float[heads * rows];
        Tensor out = Tensor.result(new int[] {rows, heads * dm.dv}, o -> backward(q, k, v, o, lse, dm), q, k, v);
        Io io = new Io(q.data, k.data, v.data, out.data, lse);
        Parallel.range(dm.groups() * kvHeads, 1, (c, lo, hi) -> {
            Scratch scratch = new Scratch(new float[BQ * BK], new float[BQ * dm.dv], new float[BQ], new float[BQ]);
            for (int task = lo; task < hi; task++) {
                Group g = dm.group(task / kvHeads);
                int kvh = task % kvHeads;
                for (int h = kvh * dm.perKv(); h < (kvh + 1) * dm.perKv(); h++) {
                    for (int i0 = 0; i0 < g.len; i0 += BQ) forwardBlock(new Block(g, kvh, h, i0), io, dm, scratch);
                }
            }
        });
        return out;
    }

    /** The call's shape and the per-head widths: dqk of queries and keys, dv of values. */
    private record Dims(Shape shape, int dqk, int dv) {
        int prefix() {
            return shape.prefix();
        }

        int batch() {
            return shape.batch();
        }

        int seq() {
            return shape.seq();
        }

        int heads() {
            return shape.heads();
        }

        int kvHeads() {
            return shape.kvHeads();
        }

        float scale() {
            return shape.scale();
        }

        /** Every row: the shared prefix, then batch × seq. */
        int rows() {
            return shape.prefix() + shape.batch() * shape.seq();
        }

        int perKv() {
            return heads() / kvHeads();
        }

        /** The shared prefix (when there is one) is query group 0, then one group per sequence. */
        int groups() {
            return batch() + (prefix() > 0 ? 1 : 0);
        }

        /** Group g's query rows and the key segments it reads: the prefix, then its own rows. */
        Group group(int g) {
            if (prefix() > 0 && g == 0) return new Group(-1, 0, prefix(), 0, new int[] {0}, new int[] {prefix()}, new int[] {0});
            int b = g - (prefix() > 0 ? 1 : 0), row = prefix() + b * seq();
            return prefix() > 0
                    ? new Group(b, row, seq(), prefix(), new int[] {0, row}, new int[] {prefix(), seq()}, new int[] {0, prefix()})
                    : new Group(b, row, seq(), 0, new int[] {row}, new int[] {seq()}, new int[] {0});
        }

        int qOff(int row, int h) {
            return row * heads() * dqk + h * dqk;
        }

        int kOff(int row, int kvh) {
            return row * kvHeads() * dqk + kvh * dqk;
        }

        int vOff(int row, int kvh) {
            return row * kvHeads() * dv + kvh * dv;
        }

        int oOff(int row, int h) {
            return row * heads() * dv + h * dv;
        }
    }

    /**
     * Queries at rows [row, row + len) with positions pos0.. (sequence b, or −1 for the shared prefix), and the key
     * segments they see: segment s is segLen[s] rows from segRow[s] at positions from segPos[s]. A key is visible
     * when its position is at most the query's.
     */
    private record Group(int b, int row, int len, int pos0, int[] segRow, int[] segLen, int[] segPos) {}

    /** The arrays of one forward call: the inputs, the output and the per-row log-sum-exp the backward reads. */
    private record Io(float[] q, float[] k, float[] v, float[] o, float[] lse) {}

    /** A worker's block buffers: scores S/P [BQ, BK], the output accumulator [BQ, dv], row maxima and normalisers. */
    private record Scratch(float[] s, float[] acc, float[] m, float[] l) {}

    /** Query block i0.. of group g for head h, which reads kv head kvh. */
    private record Block(Group g, int kvh, int h, int i0) {}

    private static void forwardBlock(Block blk, Io io, Dims dm, Scratch scratch) {
        Group g = blk.g();
        int kvh = blk.kvh(), h = blk.h(), i0 = blk.i0();
        float[] q = io.q(), k = io.k(), v = io.v(), o = io.o(), lse = io.lse();
        float[] s = scratch.s(), acc = scratch.acc(), m = scratch.m(), l = scratch.l();
        int mq = Math.min(g.len - i0, BQ), qRow = g.row + i0, qPos = g.pos0 + i0;
        int qCols = dm.heads() * dm.dqk, kCols = dm.kvHeads() * dm.dqk, vCols = dm.kvHeads() * dm.dv;
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(l, 0f);
        java.util.Arrays.fill(acc, 0, mq * dm.dv, 0f);
        for (int sg = 0; sg < g.segRow.length; sg++) {
            for (int j0 = 0; j0 < g.segLen[sg] && g.segPos[sg] + j0 < qPos + mq; j0 += BK) {
                int nk = Math.min(BK, g.segLen[sg] - j0), kRow = g.segRow[sg] + j0, kPos = g.segPos[sg] + j0;
                Gemm.gemm(mq, nk, dm.dqk, Gemm.Operand.of(q, dm.qOff(qRow, h), qCols),
                        Gemm.Operand.transposed(k, dm.kOff(kRow, kvh), kCols), Gemm.Operand.of(s, 0, BK), false);
                for (int r = 0; r < mq; r++) {
                    int valid = Math.min(nk, qPos + r - kPos + 1);
                    int so = r * BK;
                    if (valid <= 0) {
                        java.util.Arrays.fill(s, so, so + nk, 0f);
                        continue;
                    }
                    float bm = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < valid; c++) bm = Math.max(bm, s[so + c] * dm.scale());
                    float nm = Math.max(m[r], bm);
                    float corr = m[r] == Float.NEGATIVE_INFINITY ? 0f : Kernels.exp(m[r] - nm);
                    float rowSum = expScaled(s, so, valid, dm.scale(), nm);
                    java.util.Arrays.fill(s, so + valid, so + nk, 0f);
                    l[r] = l[r] * corr + rowSum;
                    if (corr != 1f) Kernels.scale(corr, acc, r * dm.dv, dm.dv);
                    m[r] = nm;
                }
                Gemm.gemm(mq, dm.dv, nk, Gemm.Operand.of(s, 0, BK), Gemm.Operand.of(v, dm.vOff(kRow, kvh), vCols),
                        Gemm.Operand.of(acc, 0, dm.dv), true);
            }
        }
        for (int r = 0; r < mq; r++) {
            float inv = 1f / l[r];
            int oo = dm.oOff(qRow + r, h);
            for (int c = 0; c < dm.dv; c++) o[oo + c] = acc[r * dm.dv + c] * inv;
            lse[h * dm.rows() + qRow + r] = m[r] + (float) Math.log(l[r]);
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
        int qCols = dm.heads() * dm.dqk, kCols = dm.kvHeads() * dm.dqk, vCols = dm.kvHeads() * dm.dv, oCols = dm.heads() * dm.dv;
        // Sequence b's share of the prefix's dK and dV (rows 0..P), added to dk and dv in order after the tasks.
        // Pooled: the prefix has the same length every micro-batch, so these are the previous call's arrays.
        int shared = dm.prefix() > 0 ? dm.batch() : 0, pk = dm.prefix() * kCols, pv = dm.prefix() * vCols;
        float[] pdk = shared > 0 && dk != null ? BufferPool.takeZeroed(shared * pk) : null;
        float[] pdv = shared > 0 && dvv != null ? BufferPool.takeZeroed(shared * pv) : null;
        Parallel.range(dm.groups() * dm.kvHeads(), 1, (c, lo, hi) -> {
            float[] p = new float[BQ * BK], ds = new float[BQ * BK], dsum = new float[BQ];
            for (int task = lo; task < hi; task++) {
                Group g = dm.group(task / dm.kvHeads());
                int kvh = task % dm.kvHeads();
                for (int h = kvh * dm.perKv(); h < (kvh + 1) * dm.perKv(); h++) {
                    for (int i0 = 0; i0 < g.len; i0 += BQ) {
                        int mq = Math.min(g.len - i0, BQ), qRow = g.row + i0, qPos = g.pos0 + i0;
                        int qo = dm.qOff(qRow, h), oo = dm.oOff(qRow, h);
                        for (int r = 0; r < mq; r++) dsum[r] = Kernels.dot(dO, oo + r * oCols, od, oo + r * oCols, dm.dv);
                        for (int sg = 0; sg < g.segRow.length; sg++) {
                            boolean toShared = g.b >= 0 && dm.prefix() > 0 && sg == 0;
                            float[] dkTo = toShared ? pdk : dk, dvTo = toShared ? pdv : dvv;
                            int kTo = toShared ? g.b * pk : 0, vTo = toShared ? g.b * pv : 0;
                            for (int j0 = 0; j0 < g.segLen[sg] && g.segPos[sg] + j0 < qPos + mq; j0 += BK) {
                                int nk = Math.min(BK, g.segLen[sg] - j0), kRow = g.segRow[sg] + j0, kPos = g.segPos[sg] + j0;
                                int ko = dm.kOff(kRow, kvh), vo = dm.vOff(kRow, kvh);
                                Gemm.gemm(mq, nk, dm.dqk, Gemm.Operand.of(qd, qo, qCols),
                                        Gemm.Operand.transposed(kd, ko, kCols), Gemm.Operand.of(p, 0, BK), false);
                                Gemm.gemm(mq, nk, dm.dv, Gemm.Operand.of(dO, oo, oCols),
                                        Gemm.Operand.transposed(vd, vo, vCols), Gemm.Operand.of(ds, 0, BK), false);
                                for (int r = 0; r < mq; r++) {
                                    int valid = Math.max(0, Math.min(nk, qPos + r - kPos + 1));
                                    int so = r * BK;
                                    float rowLse = lse[h * dm.rows() + qRow + r];
                                    expScaled(p, so, valid, dm.scale(), rowLse);
                                    for (int cc = 0; cc < valid; cc++) ds[so + cc] = p[so + cc] * (ds[so + cc] - dsum[r]) * dm.scale();
                                    for (int cc = valid; cc < nk; cc++) {
                                        p[so + cc] = 0f;
                                        ds[so + cc] = 0f;
                                    }
                                }
                                if (dq != null) Gemm.gemm(mq, dm.dqk, nk, Gemm.Operand.of(ds, 0, BK),
                                        Gemm.Operand.of(kd, ko, kCols), Gemm.Operand.of(dq, qo, qCols), true);
                                if (dkTo != null) Gemm.gemm(nk, dm.dqk, mq, Gemm.Operand.transposed(ds, 0, BK),
                                        Gemm.Operand.of(qd, qo, qCols), Gemm.Operand.of(dkTo, kTo + ko, kCols), true);
                                if (dvTo != null) Gemm.gemm(nk, dm.dv, mq, Gemm.Operand.transposed(p, 0, BK),
                                        Gemm.Operand.of(dO, oo, oCols), Gemm.Operand.of(dvTo, vTo + vo, vCols), true);
                            }
                        }
                    }
                }
            }
        });
        for (int b = 0; b < shared; b++) {
            if (pdk != null) Kernels.axpy(1f, pdk, b * pk, dk, 0, pk);
            if (pdv != null) Kernels.axpy(1f, pdv, b * pv, dvv, 0, pv);
        }
        if (pdk != null) BufferPool.give(pdk);
        if (pdv != null) BufferPool.give(pdv);
    }
}
