package r1j.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import r1j.tensor.Kernels;

/**
 * Attention of new tokens against a sequence's cache during decoding. Scores are computed for 16 positions at a
 * time from the cache's by-feature copy (a broadcast query element times a vector of positions: no horizontal
 * sums); the softmax is exact over the whole row; the output sums cached rows weighted by the probabilities.
 *
 * <p>Decoding is bound by reading the cache, so heads that read the same cache (all of MLA's heads share the latent)
 * are done four at a time: each cache vector loaded once feeds four heads.
 */
final class CachedAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CachedAttention() {}

    /** Rows of an array: row i starts at off + i·stride (heads of a query, a score or an output buffer). */
    record Strided(float[] a, int off, int stride) {
        /** The same rows from row i on. */
        Strided from(int i) {
            return new Strided(a, off + i * stride, stride);
        }
    }

    /** Features f0.. of a by-feature cache: feature f of position j at t[(f0 + f)·cap + j]. */
    record ByFeature(float[] t, int f0, int cap) {}

    /** Features f0.. of a by-token cache: feature f of position j at rows[j·stride + f0 + f]. */
    record ByToken(float[] rows, int stride, int f0) {}

    /**
     * s[j] += Σ_f q[f]·t[(f0 + f)·cap + j] for j &lt; len: one head's query (its first row) of width dim against
     * features f0 … f0+dim of a by-feature cache with token stride cap.
     */
    static void addScores(Strided query, int dim, ByFeature cache, int len, float[] s) {
        float[] q = query.a(), t = cache.t();
        int qOff = query.off(), f0 = cache.f0(), cap = cache.cap();
        int j = 0;
        // Four blocks of positions at once: four independent FMA chains hide the FMA latency.
        for (; j + 4 * L <= len; j += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, s, j), a1 = FloatVector.fromArray(S, s, j + L);
            FloatVector a2 = FloatVector.fromArray(S, s, j + 2 * L), a3 = FloatVector.fromArray(S, s, j + 3 * L);
            int base = f0 * cap + j;
            for (int f = 0; f < dim; f++, base += cap) {
                FloatVector qf = FloatVector.broadcast(S, q[qOff + f]);
                a0 = FloatVector.fromArray(S, t, base).fma(qf, a0);
                a1 = FloatVector.fromArray(S, t, base + L).fma(qf, a1);
                a2 = FloatVector.fromArray(S, t, base + 2 * L).fma(qf, a2);
                a3 = FloatVector.fromArray(S, t, base + 3 * L).fma(qf, a3);
            }
            a0.intoArray(s, j);
            a1.intoArray(s, j + L);
            a2.intoArray(s, j + 2 * L);
            a3.intoArray(s, j + 3 * L);
        }
        if (j < len) tail(query, dim, cache, j, len, new Strided(s, 0, 0));
    }

    /** s[off .. off+len) ← softmax(scale·s). */
    static void softmax(float[] s, int off, int len, float scale) {
        float max = Kernels.max(s, off, len) * scale;
        FloatVector vs = FloatVector.broadcast(S, scale), vm = FloatVector.broadcast(S, -max), sum = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector e = Kernels.exp(FloatVector.fromArray(S, s, off + j).fma(vs, vm));
            e.intoArray(s, off + j);
            sum = sum.add(e);
        }
        float z = Kernels.sumLanes(sum);
        for (; j < len; j++) z += s[off + j] = Kernels.exp(s[off + j] * scale - max);
        Kernels.scale(1f / z, s, off, len);
    }

    /**
     * out[oOff + f] = Σ_j p[j]·rows[j·stride + f0 + f] for f &lt; dim (rows of a by-token cache), four vectors
     * of output held in registers while the positions stream past.
     */
    static void weightedRows(float[] p, int len, ByToken cache, int dim, float[] out, int oOff) {
        float[] rows = cache.rows();
        int rowStride = cache.stride(), f0 = cache.f0();
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

    /**
     * Scores of four heads at once: score row h, s[h][j] += Σ_f q[h][f]·t[(f0 + f)·cap + j].
     */
    static void addScores4(Strided query, int dim, ByFeature cache, int len, Strided scores) {
        float[] q = query.a(), t = cache.t(), s = scores.a();
        int qOff = query.off(), qStride = query.stride(), f0 = cache.f0(), cap = cache.cap(), sOff = scores.off(), sStride = scores.stride();
        int j = 0;
        for (; j + 2 * L <= len; j += 2 * L) {
            int s0 = sOff + j, s1 = s0 + sStride, s2 = s1 + sStride, s3 = s2 + sStride;
            FloatVector a0 = FloatVector.fromArray(S, s, s0), b0 = FloatVector.fromArray(S, s, s0 + L);
            FloatVector a1 = FloatVector.fromArray(S, s, s1), b1 = FloatVector.fromArray(S, s, s1 + L);
            FloatVector a2 = FloatVector.fromArray(S, s, s2), b2 = FloatVector.fromArray(S, s, s2 + L);
            FloatVector a3 = FloatVector.fromArray(S, s, s3), b3 = FloatVector.fromArray(S, s, s3 + L);
            int base = f0 * cap + j;
            for (int f = 0, qf = qOff; f < dim; f++, base += cap, qf++) {
                FloatVector x = FloatVector.fromArray(S, t, base), y = FloatVector.fromArray(S, t, base + L);
                FloatVector w0 = FloatVector.broadcast(S, q[qf]), w1 = FloatVector.broadcast(S, q[qf + qStride]);
                FloatVector w2 = FloatVector.broadcast(S, q[qf + 2 * qStride]), w3 = FloatVector.broadcast(S, q[qf + 3 * qStride]);
                a0 = x.fma(w0, a0);
                b0 = y.fma(w0, b0);
                a1 = x.fma(w1, a1);
                b1 = y.fma(w1, b1);
                a2 = x.fma(w2, a2);
                b2 = y.fma(w2, b2);
                a3 = x.fma(w3, a3);
                b3 = y.fma(w3, b3);
            }
            a0.intoArray(s, s0);
            b0.intoArray(s, s0 + L);
            a1.intoArray(s, s1);
            b1.intoArray(s, s1 + L);
            a2.intoArray(s, s2);
            b2.intoArray(s, s2 + L);
            a3.intoArray(s, s3);
            b3.intoArray(s, s3 + L);
        }
        if (j < len) {
            for (int h = 0; h < 4; h++) tail(query.from(h), dim, cache, j, len, scores.from(h));
        }
    }

    /** The single-head scores for positions [from, len): the query and the scores at their first rows. */
    private static void tail(Strided query, int dim, ByFeature cache, int from, int len, Strided scores) {
        float[] q = query.a(), t = cache.t(), s = scores.a();
        int qOff = query.off(), f0 = cache.f0(), cap = cache.cap(), sOff = scores.off();
        for (int j = from; j < len; j += L) {
            VectorMask<Float> m = S.indexInRange(j, len);
            FloatVector acc = FloatVector.fromArray(S, s, sOff + j, m);
            int base = f0 * cap + j;
            for (int f = 0; f < dim; f++, base += cap) {
                acc = FloatVector.fromArray(S, t, base, m).fma(FloatVector.broadcast(S, q[qOff + f]), acc);
            }
            acc.intoArray(s, sOff + j, m);
        }
    }

    /**
     * Four heads' outputs at once over cached rows of width dim (a multiple of L): output row h,
     * out[h][f] = Σ_j p[h][j]·rows[j·rowStride + f].
     */
    static void weightedRows4(Strided probs, int len, float[] rows, int rowStride, int dim, Strided output) {
        float[] p = probs.a(), out = output.a();
        int pOff = probs.off(), pStride = probs.stride(), oOff = output.off(), oStride = output.stride();
        for (int f = 0; f < dim; f += 2 * L) {
            boolean two = f + 2 * L <= dim;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int j = 0, o = f; j < len; j++, o += rowStride) {
                FloatVector x = FloatVector.fromArray(S, rows, o);
                FloatVector y = two ? FloatVector.fromArray(S, rows, o + L) : x;
                int pj = pOff + j;
                FloatVector w0 = FloatVector.broadcast(S, p[pj]), w1 = FloatVector.broadcast(S, p[pj + pStride]);
                FloatVector w2 = FloatVector.broadcast(S, p[pj + 2 * pStride]), w3 = FloatVector.broadcast(S, p[pj + 3 * pStride]);
                a0 = x.fma(w0, a0);
                a1 = x.fma(w1, a1);
                a2 = x.fma(w2, a2);
                a3 = x.fma(w3, a3);
                b0 = y.fma(w0, b0);
                b1 = y.fma(w1, b1);
                b2 = y.fma(w2, b2);
                b3 = y.fma(w3, b3);
            }
            a0.intoArray(out, oOff + f);
            a1.intoArray(out, oOff + oStride + f);
            a2.intoArray(out, oOff + 2 * oStride + f);
            a3.intoArray(out, oOff + 3 * oStride + f);
            if (two) {
                b0.intoArray(out, oOff + f + L);
                b1.intoArray(out, oOff + oStride + f + L);
                b2.intoArray(out, oOff + 2 * oStride + f + L);
                b3.intoArray(out, oOff + 3 * oStride + f + L);
            }
        }
    }
}
