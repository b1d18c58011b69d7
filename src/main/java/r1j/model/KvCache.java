package r1j.model;

import java.util.Arrays;

/**
 * One sequence's attention cache: per layer, two arrays of width {@code aWidth} and {@code bWidth} per token.
 * For MLA they hold the normalised latent c (kv_lora_rank) and the roped shared key (qk_rope_head_dim): the
 * absorbed form (docs/deepseek-v3.md §4.7) needs nothing else. For grouped-query attention they hold K and V.
 *
 * <p>Each is kept twice: by token (row-major, for Σ_j p_j·row_j) and by feature (column-major with stride
 * capacity, so scores for 16 positions at once are plain vector FMAs with no horizontal sums). A token is written
 * once and read hundreds of times, so the second copy pays for itself.
 */
public final class KvCache {
    private final int aWidth;
    private final int bWidth;
    private final float[][] a;
    private final float[][] b;
    private final float[][] aT;
    private final float[][] bT;
    private int length;
    private int capacity;

    public KvCache(int layers, int aWidth, int bWidth, int initialCapacity) {
        this.aWidth = aWidth;
        this.bWidth = bWidth;
        this.capacity = Math.max(1, initialCapacity);
        this.a = new float[layers][capacity * aWidth];
        this.b = new float[layers][capacity * bWidth];
        this.aT = new float[layers][capacity * aWidth];
        this.bT = new float[layers][capacity * bWidth];
    }

    /** Token stride of the by-feature copies: element (token j, feature f) is at f·capacity() + j. */
    int capacity() {
        return capacity;
    }

    float[] aByFeature(int layer) {
        return aT[layer];
    }

    float[] bByFeature(int layer) {
        return bT[layer];
    }

    /** Tokens cached so far (the position of the next token). */
    public int length() {
        return length;
    }

    public int aWidth() {
        return aWidth;
    }

    public int bWidth() {
        return bWidth;
    }

    /** Bytes the cache holds per token across all layers (float32). */
    public long bytesPerToken() {
        return (long) a.length * (aWidth + bWidth) * Float.BYTES;
    }

    float[] a(int layer) {
        return a[layer];
    }

    float[] b(int layer) {
        return b[layer];
    }

    /** Makes room for n more tokens. */
    void reserve(int n) {
        int need = length + n;
        if (need <= capacity) return;
        int cap = Math.max(need, capacity * 2);
        for (int l = 0; l < a.length; l++) {
            a[l] = Arrays.copyOf(a[l], cap * aWidth);
            b[l] = Arrays.copyOf(b[l], cap * bWidth);
            aT[l] = restride(aT[l], aWidth, capacity, cap, length);
            bT[l] = restride(bT[l], bWidth, capacity, cap, length);
        }
        capacity = cap;
    }

    private static float[] restride(float[] old, int width, int oldCap, int newCap, int len) {
        float[] out = new float[width * newCap];
        for (int f = 0; f < width; f++) System.arraycopy(old, f * oldCap, out, f * newCap, len);
        return out;
    }

    /** Writes the rows of new tokens (at positions length …) for one layer. */
    void put(int layer, int pos, float[] srcA, int aOff, float[] srcB, int bOff) {
        System.arraycopy(srcA, aOff, a[layer], pos * aWidth, aWidth);
        System.arraycopy(srcB, bOff, b[layer], pos * bWidth, bWidth);
        float[] at = aT[layer], bt = bT[layer];
        for (int f = 0; f < aWidth; f++) at[f * capacity + pos] = srcA[aOff + f];
        for (int f = 0; f < bWidth; f++) bt[f * capacity + pos] = srcB[bOff + f];
    }

    /** Commits n tokens written by every layer. */
    void advance(int n) {
        length += n;
    }

    /** An independent copy (the G samples of a prompt start from its cached prefix). */
    public KvCache fork() {
        KvCache c = new KvCache(a.length, aWidth, bWidth, capacity);
        for (int l = 0; l < a.length; l++) {
            System.arraycopy(a[l], 0, c.a[l], 0, length * aWidth);
            System.arraycopy(b[l], 0, c.b[l], 0, length * bWidth);
            for (int f = 0; f < aWidth; f++) System.arraycopy(aT[l], f * capacity, c.aT[l], f * capacity, length);
            for (int f = 0; f < bWidth; f++) System.arraycopy(bT[l], f * capacity, c.bT[l], f * capacity, length);
        }
        c.length = length;
        return c;
    }
}
