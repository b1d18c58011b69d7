package r1j.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import r1j.tensor.Kernels;

/**
 * Attention of new tokens against a sequence's cache during decoding. Scores are computed for 16 positions at a
 * time from the cache's by-feature copy (a broadcast query element times a vector of positions: no horizontal
 * sums); the softmax is exact over the whole row; the output sums cached rows weighted by the probabilities.
 */
final class CachedAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CachedAttention() {}

    /**
     * s[j] += Σ_f q[qOff + f]·t[(f0 + f)·cap + j] for j &lt; len: one head's query of width dim against features
     * f0 … f0+dim of a by-feature cache with token stride cap.
     */
    static void addScores(float[] q, int qOff, int dim, float[] t, int f0, int cap, int len, float[] s) {
        for (int j = 0; j < len; j += L) {
            VectorMask<Float> m = S.indexInRange(j, len);
            FloatVector acc = FloatVector.fromArray(S, s, j, m);
            int base = f0 * cap + j;
            for (int f = 0; f < dim; f++, base += cap) {
                acc = FloatVector.fromArray(S, t, base, m).fma(FloatVector.broadcast(S, q[qOff + f]), acc);
            }
            acc.intoArray(s, j, m);
        }
    }

    /** s[0..len) ← softmax(scale·s). */
    static void softmax(float[] s, int len, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) max = Math.max(max, s[j]);
        max *= scale;
        FloatVector vs = FloatVector.broadcast(S, scale), vm = FloatVector.broadcast(S, -max), sum = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector e = Kernels.exp(FloatVector.fromArray(S, s, j).fma(vs, vm));
            e.intoArray(s, j);
            sum = sum.add(e);
        }
        float z = Kernels.sumLanes(sum);
        for (; j < len; j++) z += s[j] = Kernels.exp(s[j] * scale - max);
        float inv = 1f / z;
        Kernels.scale(inv, s, 0, len);
    }

    /**
     * out[oOff + f] = Σ_j p[j]·rows[j·rowStride + f0 + f] for f &lt; dim (rows of a by-token cache), four vectors
     * of output held in registers while the positions stream past.
     */
    static void weightedRows(float[] p, int len, float[] rows, int rowStride, int f0, int dim, float[] out, int oOff) {
        int f = 0;
        for (; f + 4 * L <= dim; f += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0, o = f0 + f; j < len; j++, o += rowStride) {
                FloatVector pj = FloatVector.broadcast(S, p[j]);
                a0 = FloatVector.fromArray(S, rows, o).fma(pj, a0);
                a1 = FloatVector.fromArray(S, rows, o + L).fma(pj, a1);
                a2 = FloatVector.fromArray(S, rows, o + 2 * L).fma(pj, a2);
                a3 = FloatVector.fromArray(S, rows, o + 3 * L).fma(pj, a3);
            }
            a0.intoArray(out, oOff + f);
            a1.intoArray(out, oOff + f + L);
            a2.intoArray(out, oOff + f + 2 * L);
            a3.intoArray(out, oOff + f + 3 * L);
        }
        for (; f + L <= dim; f += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int j = 0, o = f0 + f; j < len; j++, o += rowStride) {
                a0 = FloatVector.fromArray(S, rows, o).fma(FloatVector.broadcast(S, p[j]), a0);
            }
            a0.intoArray(out, oOff + f);
        }
        for (; f < dim; f++) {
            float acc = 0;
            for (int j = 0; j < len; j++) acc = Math.fma(p[j], rows[j * rowStride + f0 + f], acc);
            out[oOff + f] = acc;
        }
    }
}
