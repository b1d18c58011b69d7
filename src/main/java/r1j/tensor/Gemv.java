package r1j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * y[N] (+)= W·x for one row x against a packed weight W [N,K] (float32, bfloat16 or Q8_0): the product of decoding one sequence, which reads every
 * weight once and does two flops per weight, so it runs at the speed memory delivers the weights, not at the FMA
 * units' (Williams et al., "Roofline", 2009). {@link Gemm}'s register tile would pad the row to 8 and widen each
 * 16-bit sliver into a buffer first; here each thread streams its own slivers of W straight from the packed array,
 * widening bfloat16 in registers, and keeps four slivers' outputs (eight accumulators) in flight so that the FMA
 * latency hides behind the loads.
 *
 * <p>The arithmetic is {@link Gemm}'s: output j is one chain of fused multiply-adds over k in order, starting from
 * zero or from y's value, so a sequence decoded alone gets the same bits as in a batch.
 */
final class Gemv {
    private static final VectorSpecies<Float> S = Gemm.S;
    private static final int L = Gemm.L, NR = Gemm.NR, KC = Gemm.KC;
    private static final VectorSpecies<Short> S16 = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> S32 = S.withLanes(int.class);
    /** Slivers whose outputs one pass keeps in registers (two accumulators each). */
    private static final int GROUP = 4;
    /** Below this many weights a hand-off to another thread costs more than streaming them here. */
    private static final int PARALLEL_WEIGHTS = 1 << 15;
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[GROUP * NR]);

    private Gemv() {}

    /** Whether {@link #run} computes this product: one row of x·Wᵀ against a float32, bfloat16 or Q8_0 packed W. */
    static boolean handles(int m, Gemm.PackedB w, boolean transA) {
        return m == 1 && !transA && !(w.half != null && w.f16);
    }

    /** y[yOff, yOff + N) (+)= W·x[xOff, xOff + K). */
    static void run(Gemm.PackedB w, float[] x, int xOff, float[] y, int yOff, boolean accumulate) {
        int slivers = (w.n + NR - 1) / NR;
        long weights = (long) w.n * w.k;
        int groups = (slivers + GROUP - 1) / GROUP;
        int chunks = weights < PARALLEL_WEIGHTS ? 1 : Parallel.chunks(groups, 1);
        // Threads take whole groups, so that each runs the four-sliver kernel on all but the last.
        Parallel.split(groups, chunks, (ch, lo, hi) ->
                slivers(w, x, xOff, y, yOff, accumulate, lo * GROUP, Math.min(slivers, hi * GROUP)));
    }

    private static void slivers(Gemm.PackedB w, float[] x, int xOff, float[] y, int yOff, boolean acc, int lo, int hi) {
        float[] edge = EDGE.get();
        for (int s = lo; s < hi; s += GROUP) {
            int g = Math.min(GROUP, hi - s);
            int r0 = s * NR, rows = Math.min(g * NR, w.n - r0);
            // The group's outputs as the kernel reads and writes them: in place when whole, else through edge.
            boolean inPlace = rows == g * NR;
            float[] out = inPlace ? y : edge;
            int off = inPlace ? yOff + r0 : 0;
            if (!inPlace) {
                java.util.Arrays.fill(edge, 0f);
                if (acc) System.arraycopy(y, yOff + r0, edge, 0, rows);
            }
            if (g == GROUP && w.q8 != null) group4q8(w, x, xOff, s, out, off, acc);
            else if (g == GROUP) group4(w, x, xOff, s, out, off, acc);
            else for (int q = 0; q < g; q++) group1(w, x, xOff, s + q, out, off + q * NR, acc);
            if (!inPlace) System.arraycopy(edge, 0, y, yOff + r0, rows);
        }
    }

    /** L weights from packed index i: widened from bfloat16 in registers (exact), or read as floats. */
    private static FloatVector load(Gemm.PackedB w, int i) {
        if (w.half == null) return FloatVector.fromArray(S, w.data, i);
        return ((IntVector) ShortVector.fromArray(S16, w.half, i).convertShape(VectorOperators.S2I, S32, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** Four slivers from s: 4·NR outputs at out[off...], eight chains over all of K. */
    private static void group4(Gemm.PackedB w, float[] x, int xOff, int s, float[] out, int off, boolean acc) {
        FloatVector a0, a1, b0, b1, c0, c1, d0, d1;
        if (acc) {
            a0 = FloatVector.fromArray(S, out, off); a1 = FloatVector.fromArray(S, out, off + L);
            b0 = FloatVector.fromArray(S, out, off + NR); b1 = FloatVector.fromArray(S, out, off + NR + L);
            c0 = FloatVector.fromArray(S, out, off + 2 * NR); c1 = FloatVector.fromArray(S, out, off + 2 * NR + L);
            d0 = FloatVector.fromArray(S, out, off + 3 * NR); d1 = FloatVector.fromArray(S, out, off + 3 * NR + L);
        } else {
            a0 = a1 = b0 = b1 = c0 = c1 = d0 = d1 = FloatVector.zero(S);
        }
        for (int pc = 0, bl = 0; pc < w.k; pc += KC, bl++) {
            int kc = Math.min(KC, w.k - pc), stride = NR * kc;
            int ia = w.blockOffset[bl] + s * stride, ib = ia + stride, ic = ib + stride, id = ic + stride;
            for (int p = 0; p < kc; p++, ia += NR, ib += NR, ic += NR, id += NR) {
                FloatVector xp = FloatVector.broadcast(S, x[xOff + pc + p]);
                a0 = xp.fma(load(w, ia), a0); a1 = xp.fma(load(w, ia + L), a1);
                b0 = xp.fma(load(w, ib), b0); b1 = xp.fma(load(w, ib + L), b1);
                c0 = xp.fma(load(w, ic), c0); c1 = xp.fma(load(w, ic + L), c1);
                d0 = xp.fma(load(w, id), d0); d1 = xp.fma(load(w, id + L), d1);
            }
        }
        a0.intoArray(out, off); a1.intoArray(out, off + L);
        b0.intoArray(out, off + NR); b1.intoArray(out, off + NR + L);
        c0.intoArray(out, off + 2 * NR); c1.intoArray(out, off + 2 * NR + L);
        d0.intoArray(out, off + 3 * NR); d1.intoArray(out, off + 3 * NR + L);
    }

    /** L Q8_0 weights from packed index i, times their scales sc: q·d, exact in float32 as {@link Gemm}'s. */
    private static FloatVector loadQ8(Gemm.PackedB w, int i, FloatVector sc) {
        return ((FloatVector) ByteVector.fromArray(Gemm.S8, w.q8, i).convertShape(VectorOperators.B2F, S, 0)).mul(sc);
    }

    /**
     * {@link #group4} for Q8_0 weights: the four slivers' 4·NR scales are loaded once per block of 32 steps of K, and
     * each int8 weight is widened and scaled in registers, so memory delivers about one byte per weight.
     */
    private static void group4q8(Gemm.PackedB w, float[] x, int xOff, int s, float[] out, int off, boolean acc) {
        FloatVector a0, a1, b0, b1, c0, c1, d0, d1;
        if (acc) {
            a0 = FloatVector.fromArray(S, out, off); a1 = FloatVector.fromArray(S, out, off + L);
            b0 = FloatVector.fromArray(S, out, off + NR); b1 = FloatVector.fromArray(S, out, off + NR + L);
            c0 = FloatVector.fromArray(S, out, off + 2 * NR); c1 = FloatVector.fromArray(S, out, off + 2 * NR + L);
            d0 = FloatVector.fromArray(S, out, off + 3 * NR); d1 = FloatVector.fromArray(S, out, off + 3 * NR + L);
        } else {
            a0 = a1 = b0 = b1 = c0 = c1 = d0 = d1 = FloatVector.zero(S);
        }
        for (int pc = 0, bl = 0; pc < w.k; pc += KC, bl++) {
            int kc = Math.min(KC, w.k - pc), stride = NR * kc;
            int ia = w.blockOffset[bl] + s * stride, ib = ia + stride, ic = ib + stride, id = ic + stride;
            for (int p0 = 0; p0 < kc; p0 += Q8.BLOCK) {
                int kb = (pc + p0) / Q8.BLOCK, end = Math.min(kc, p0 + Q8.BLOCK);
                int sa = w.scaleAt(s, kb), sb = w.scaleAt(s + 1, kb), sc = w.scaleAt(s + 2, kb), sd = w.scaleAt(s + 3, kb);
                FloatVector sa0 = FloatVector.fromArray(S, w.scale, sa), sa1 = FloatVector.fromArray(S, w.scale, sa + L);
                FloatVector sb0 = FloatVector.fromArray(S, w.scale, sb), sb1 = FloatVector.fromArray(S, w.scale, sb + L);
                FloatVector sc0 = FloatVector.fromArray(S, w.scale, sc), sc1 = FloatVector.fromArray(S, w.scale, sc + L);
                FloatVector sd0 = FloatVector.fromArray(S, w.scale, sd), sd1 = FloatVector.fromArray(S, w.scale, sd + L);
                for (int p = p0; p < end; p++, ia += NR, ib += NR, ic += NR, id += NR) {
                    FloatVector xp = FloatVector.broadcast(S, x[xOff + pc + p]);
                    a0 = xp.fma(loadQ8(w, ia, sa0), a0); a1 = xp.fma(loadQ8(w, ia + L, sa1), a1);
                    b0 = xp.fma(loadQ8(w, ib, sb0), b0); b1 = xp.fma(loadQ8(w, ib + L, sb1), b1);
                    c0 = xp.fma(loadQ8(w, ic, sc0), c0); c1 = xp.fma(loadQ8(w, ic + L, sc1), c1);
                    d0 = xp.fma(loadQ8(w, id, sd0), d0); d1 = xp.fma(loadQ8(w, id + L, sd1), d1);
                }
            }
        }
        a0.intoArray(out, off); a1.intoArray(out, off + L);
        b0.intoArray(out, off + NR); b1.intoArray(out, off + NR + L);
        c0.intoArray(out, off + 2 * NR); c1.intoArray(out, off + 2 * NR + L);
        d0.intoArray(out, off + 3 * NR); d1.intoArray(out, off + 3 * NR + L);
    }

    /** One sliver s: NR outputs at out[off...]. */
    private static void group1(Gemm.PackedB w, float[] x, int xOff, int s, float[] out, int off, boolean acc) {
        FloatVector a0 = acc ? FloatVector.fromArray(S, out, off) : FloatVector.zero(S);
        FloatVector a1 = acc ? FloatVector.fromArray(S, out, off + L) : FloatVector.zero(S);
        for (int pc = 0, bl = 0; pc < w.k; pc += KC, bl++) {
            int kc = Math.min(KC, w.k - pc);
            int ia = w.blockOffset[bl] + s * NR * kc;
            for (int p = 0; p < kc; p++, ia += NR) {
                FloatVector xp = FloatVector.broadcast(S, x[xOff + pc + p]);
                if (w.q8 != null) {
                    int sc = w.scaleAt(s, (pc + p) / Q8.BLOCK);
                    a0 = xp.fma(loadQ8(w, ia, FloatVector.fromArray(S, w.scale, sc)), a0);
                    a1 = xp.fma(loadQ8(w, ia + L, FloatVector.fromArray(S, w.scale, sc + L)), a1);
                } else {
                    a0 = xp.fma(load(w, ia), a0);
                    a1 = xp.fma(load(w, ia + L), a1);
                }
            }
        }
        a0.intoArray(out, off);
        a1.intoArray(out, off + L);
    }
}
