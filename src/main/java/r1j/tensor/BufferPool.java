package r1j.tensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Recycles float arrays by exact length. A training step of fixed shape asks for the same sizes every step, so
 * after the first step activations and their gradients reuse the previous step's memory: no allocation, no
 * first-touch page faults (which cost ~10× the work on a fresh large buffer on these machines), no GC churn.
 */
public final class BufferPool {
    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    /** Arrays smaller than this are cheaper to allocate than to look up. */
    private static final int MIN_POOLED = 1024;
    private static final long MAX_POOLED_FLOATS = Runtime.getRuntime().maxMemory() / 4 / 4;
    private static long pooledFloats;

    private BufferPool() {}

    /** An array of exactly n floats with arbitrary contents. */
    public static float[] take(int n) {
        if (n >= MIN_POOLED) {
            synchronized (FREE) {
                ArrayDeque<float[]> q = FREE.get(n);
                if (q != null && !q.isEmpty()) {
                    pooledFloats -= n;
                    return q.pop();
                }
            }
        }
        return new float[n];
    }

    /** An array of exactly n zeros. */
    public static float[] takeZeroed(int n) {
        float[] a = take(n);
        if (n >= MIN_POOLED) java.util.Arrays.fill(a, 0f);
        return a;
    }

    /** Hands an array back; the caller must not use it afterwards. */
    public static void give(float[] a) {
        if (a.length < MIN_POOLED) return;
        synchronized (FREE) {
            if (pooledFloats + a.length > MAX_POOLED_FLOATS) return;
            FREE.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            pooledFloats += a.length;
        }
    }

    /** Drops every pooled array (between jobs of different shapes). */
    public static void clear() {
        synchronized (FREE) {
            FREE.clear();
            pooledFloats = 0;
        }
    }
}
