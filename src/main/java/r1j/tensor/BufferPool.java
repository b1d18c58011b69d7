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
    /**
     * At most this many pooled floats (a quarter of the heap, and never above 256 MB). Sizes that vary from step to
     * step (an expert's share of the tokens) would otherwise fill the pool with arrays never asked for again; when
     * the cap is reached the pool is emptied and refills with the sizes still in use.
     */
    private static final long MAX_POOLED_FLOATS = Math.min(Runtime.getRuntime().maxMemory() / 4 / 4, 64L << 20);
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
            if (pooledFloats + a.length > MAX_POOLED_FLOATS) {
                FREE.clear();
                pooledFloats = 0;
            }
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
