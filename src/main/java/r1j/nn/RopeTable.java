package r1j.nn;

/**
 * The rotary angles of RoPE (Su et al. 2021): pair i of a head rotates by pos·invFreq[i], invFreq[i] =
 * θ^(−2i/d). Cos/sin rows are computed in double once per position and cached; YaRN (issue: the V3 model)
 * only changes invFreq and the cos/sin factor, so it builds this table with its own frequencies.
 */
public final class RopeTable {
    private final double[] invFreq;
    private final float attentionFactor;
    /** Positions past this many are refused (dynamic scaling would change the frequencies there); 0: no limit. */
    private final int positionLimit;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int positions;

    public RopeTable(double[] invFreq, float attentionFactor) {
        this(invFreq, attentionFactor, 0);
    }

    public RopeTable(double[] invFreq, float attentionFactor, int positionLimit) {
        this.invFreq = invFreq.clone();
        this.attentionFactor = attentionFactor;
        this.positionLimit = positionLimit;
    }

    /** Plain RoPE over a rotary dimension of dim (even) with base theta. */
    public static RopeTable standard(int dim, double theta) {
        if (dim % 2 != 0) throw new IllegalArgumentException("rope: rotary dimension must be even, got " + dim);
        double[] f = new double[dim / 2];
        for (int i = 0; i < f.length; i++) f[i] = 1.0 / Math.pow(theta, 2.0 * i / dim);
        return new RopeTable(f, 1f);
    }

    /** The inverse frequencies of the pairs (a copy). */
    public double[] inverseFrequencies() {
        return invFreq.clone();
    }

    /** The rotary dimension (2 × the number of frequency pairs). */
    public int dim() {
        return 2 * invFreq.length;
    }

    /** Makes sure positions [0, n) are tabulated. */
    synchronized void ensure(int n) {
        if (positionLimit > 0 && n > positionLimit) {
            throw new IllegalArgumentException("position " + (n - 1) + " is past max_position_embeddings " + positionLimit
                    + ": dynamic rope scaling changes the frequencies there, which r1j does not implement");
        }
        if (n <= positions) return;
        int cap = Math.max(n, positions * 2);
        int half = invFreq.length;
        float[] c = new float[cap * half], s = new float[cap * half];
        for (int p = 0; p < cap; p++) {
            for (int i = 0; i < half; i++) {
                double a = p * invFreq[i];
                c[p * half + i] = (float) (Math.cos(a) * attentionFactor);
                s[p * half + i] = (float) (Math.sin(a) * attentionFactor);
            }
        }
        cos = c;
        sin = s;
        positions = cap;
    }

    float[] cos() {
        return cos;
    }

    float[] sin() {
        return sin;
    }
}
