package r1j.tensor;

import java.util.SplittableRandom;

/** Parameter initialisation from a seeded generator: the same seed gives the same weights on every machine. */
public final class Init {
    private Init() {}

    /** Fills with N(0, std²) draws. */
    public static void normal(float[] data, float std, SplittableRandom rng) {
        for (int i = 0; i < data.length; i++) data[i] = (float) (rng.nextGaussian() * std);
    }

    public static void fill(float[] data, float value) {
        java.util.Arrays.fill(data, value);
    }
}
