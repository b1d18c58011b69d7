package r1j.tensor;

/** Reductions to a scalar or per segment. Sums accumulate in double so the result does not depend on chunking. */
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

    /**
     * Each value replaced by the mean of its segment: segments are a[starts[j]] .. a[starts[j + 1] − 1], and starts
     * runs from 0 to a.numel() (GSPO's length-normalised sequence log-ratio, broadcast back to the sequence's tokens).
     * An empty segment stays empty.
     */
    public static Tensor segmentMean(Tensor a, int[] starts) {
        int n = a.numel();
        if (starts.length == 0 || starts[0] != 0 || starts[starts.length - 1] != n) {
            throw new IllegalArgumentException("segmentMean: segments must start at 0 and end at " + n);
        }
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] ga = a.gradBuffer();
            for (int j = 0; j + 1 < starts.length; j++) {
                int s0 = starts[j], s1 = starts[j + 1];
                double g = 0;
                for (int i = s0; i < s1; i++) g += out.grad[i];
                float gi = (float) (g / Math.max(1, s1 - s0));
                for (int i = s0; i < s1; i++) ga[i] += gi;
            }
        }, a);
        for (int j = 0; j + 1 < starts.length; j++) {
            int s0 = starts[j], s1 = starts[j + 1];
            if (s1 < s0) throw new IllegalArgumentException("segmentMean: segment " + j + " ends before it starts");
            double acc = 0;
            for (int i = s0; i < s1; i++) acc += a.data[i];
            float m = (float) (acc / Math.max(1, s1 - s0));
            for (int i = s0; i < s1; i++) y.data[i] = m;
        }
        return y;
    }
}
