package r1j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised inner loops shared by the ops (dot, axpy, scaled copies, sums of squares, exp). Each has the obvious
 * scalar meaning given in its comment; the tests compare them against plain loops.
 *
 * <p>Determinism: the Vector API leaves the order of a floating-point {@code reduceLanes(ADD)} and the rounding
 * of {@code lanewise(EXP)} to the implementation, and the interpreter's fallback and C2's intrinsic differ, so a
 * result would change once the JIT compiled the loop. {@link #sumLanes} and {@link #exp} use only lanewise
 * arithmetic and fixed shuffles, which IEEE fixes bit for bit in every execution mode.
 */
public final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** Shuffles that bring the upper half of each power-of-two block onto the lower: a fixed summation tree. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVES = new VectorShuffle[Integer.numberOfTrailingZeros(L)];

    static {
        for (int h = L / 2, i = 0; h >= 1; h /= 2, i++) {
            final int half = h;
            HALVES[i] = VectorShuffle.fromOp(S, j -> (j + half) % L);
        }
    }

    private Kernels() {}

    /** Σ of the lanes of v in a fixed tree order (pairs at distance L/2, then L/4, …). */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> sh : HALVES) v = v.add(v.rearrange(sh));
        return v.lane(0);
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5·2²³: adding it rounds to an integer in the low mantissa bits

    /**
     * e^x per lane (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-5 polynomial for e^r, 2^n from the exponent
     * bits); within 2 ulp of Math.exp for x in [−87, 88], 0 below. Built from lanewise arithmetic only, so the
     * interpreter and C2 give the same bits.
     */
    public static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f).min(88.3f);
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        FloatVector r2 = r.mul(r);
        FloatVector er = p.fma(r2, r).add(1f);
        IntVector bits = (IntVector) t.reinterpretAsInts();
        IntVector pow2 = bits.sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = (FloatVector) pow2.reinterpretAsFloats();
        FloatVector y = er.mul(scale);
        return y.blend(0f, x.compare(VectorOperators.LE, -87.3f));
    }

    /** The scalar twin of {@link #exp(FloatVector)} (same formula, for loop tails). */
    public static float exp(float x) {
        x = Math.min(Math.max(x, -87.3f), 88.3f);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float er = Math.fma(p, r * r, r) + 1f;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - (0x4B400000 - 127)) << 23);
        return x <= -87.3f ? 0f : er * scale;
    }

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
        float s = sumLanes(s0.add(s1));
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
        float r = sumLanes(s);
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
