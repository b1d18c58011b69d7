package r1j.tensor;

/** Reductions to a scalar. Sums accumulate in double so the result does not depend on chunking. */
public final class Reduce {
    private Reduce() {}

    /** Σ a. */
    public static Tensor sum(Tensor a) {
        return weightedSum(a, null, 1f);
    }

    /** mean(a). */
    public static Tensor mean(Tensor a) {
        return weightedSum(a, null, 1f / Math.max(1, a.numel()));
    }

    /**
     * Σ w[i]·a[i] for constant weights w (a mask, per-token normalisers: how every loss aggregation of GRPO is
     * expressed), or s·Σ a[i] when w is null.
     */
    public static Tensor weightedSum(Tensor a, float[] w, float s) {
        int n = a.numel();
        if (w != null && w.length != n) {
            throw new IllegalArgumentException("weightedSum: " + w.length + " weights for " + n + " values");
        }
        Tensor y = Tensor.result(new int[0], out -> {
            float g = out.grad[0] * s;
            float[] ga = a.gradBuffer();
            for (int i = 0; i < n; i++) ga[i] += g * (w == null ? 1f : w[i]);
        }, a);
        double acc = 0;
        for (int i = 0; i < n; i++) acc += (double) a.data[i] * (w == null ? 1f : w[i]);
        y.data[0] = (float) (acc * s);
        return y;
    }
}
