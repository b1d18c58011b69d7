package r1j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised inner loops shared by the ops (dot, axpy, scaled copies, sums of squares). Each has the obvious scalar
 * meaning given in its comment; the tests compare them against plain loops.
 */
public final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Kernels() {}

    /** Σ a[ao+i]·b[bo+i] for i &lt; n. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (int up = n - 2 * L; i <= up; i += 2 * L) {
            s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
            s1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), s1);
        }
        for (int up = n - L; i <= up; i += L) {
            s0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** y[yo+i] += alpha·x[xo+i] for i &lt; n. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int up = n - L; i <= up; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** y[yo+i] = alpha·y[yo+i] for i &lt; n. */
    public static void scale(float alpha, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int up = n - L; i <= up; i += L) {
            FloatVector.fromArray(S, y, yo + i).mul(va).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] *= alpha;
    }

    /** Σ x[xo+i]² for i &lt; n. */
    public static float sumSquares(float[] x, int xo, int n) {
        return dot(x, xo, x, xo, n);
    }

    /** Σ x[xo+i] for i &lt; n. */
    public static float sum(float[] x, int xo, int n) {
        FloatVector s = FloatVector.zero(S);
        int i = 0;
        for (int up = n - L; i <= up; i += L) s = s.add(FloatVector.fromArray(S, x, xo + i));
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) r += x[xo + i];
        return r;
    }

    /** max over x[xo .. xo+n). */
    public static float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (n >= L) {
            FloatVector v = FloatVector.fromArray(S, x, xo);
            for (i = L; i <= n - L; i += L) v = v.max(FloatVector.fromArray(S, x, xo + i));
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }
}
