package r1j.tensor;

/**
 * Derived seeds. SplittableRandom(x) and SplittableRandom(x + γ) produce the same stream shifted by one draw (γ is its
 * own increment), so seeds built by adding or multiplying by constants correlate; every derived seed goes through
 * SplitMix64's finaliser instead.
 */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit seed from any number of parts. */
    public static long mix(long... parts) {
        long z = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            z ^= p;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            z += 0x9E3779B97F4A7C15L;
        }
        return z;
    }

    /** A seeded permutation of 0..n-1 (Fisher–Yates from the top, as every data order of r1j is drawn). */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
