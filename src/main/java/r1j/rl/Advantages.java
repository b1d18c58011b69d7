package r1j.rl;

/**
 * Group-relative advantages (DeepSeekMath §4.1.2, R1 report eq. 3): A_i = (r_i − mean(r)) / (std(r) + 1e-4) within
 * each group of G samples of one prompt, no critic. Variants: the sample standard deviation (n − 1, as TRL), the
 * population one (n), the standard deviation of the whole batch, or no division at all (Dr. GRPO). r1j's default is
 * the sample standard deviation. A group whose rewards are all equal has advantage 0 for every sample.
 */
public final class Advantages {
    /**
     * What a group's rewards are divided by after the mean is taken out: the group's std (sample or population), the
     * batch's, or nothing (Dr. GRPO).
     */
    public enum Scale { GROUP_STD_SAMPLE, GROUP_STD_POPULATION, BATCH_STD, NONE }

    private static final double EPS = 1e-4;

    private Advantages() {}

    /** rewards[b][g] → advantages[b][g]. */
    public static double[][] compute(double[][] rewards, Scale scale) {
        int b = rewards.length;
        double[][] out = new double[b][];
        double batchStd = 0;
        if (scale == Scale.BATCH_STD) {
            double sum = 0, sq = 0;
            int n = 0;
            for (double[] g : rewards) for (double r : g) {
                sum += r;
                sq += r * r;
                n++;
            }
            double mean = sum / n;
            batchStd = Math.sqrt(Math.max(0, (sq - n * mean * mean) / Math.max(1, n - 1)));
        }
        for (int i = 0; i < b; i++) {
            double[] r = rewards[i];
            int g = r.length;
            double mean = 0;
            for (double x : r) mean += x;
            mean /= g;
            double ss = 0;
            for (double x : r) ss += (x - mean) * (x - mean);
            out[i] = new double[g];
            if (ss == 0) continue;
            double std = switch (scale) {
                case GROUP_STD_SAMPLE -> Math.sqrt(ss / Math.max(1, g - 1));
                case GROUP_STD_POPULATION -> Math.sqrt(ss / g);
                case BATCH_STD -> batchStd;
                case NONE -> Double.NaN;
            };
            for (int j = 0; j < g; j++) out[i][j] = scale == Scale.NONE ? r[j] - mean : (r[j] - mean) / (std + EPS);
        }
        return out;
    }

    /** Whether all rewards of a group are equal (no learning signal: dynamic sampling skips such groups). */
    public static boolean zeroSpread(double[] rewards) {
        for (double r : rewards) if (r != rewards[0]) return false;
        return true;
    }
}
