package r1j.model;

import java.util.Arrays;

/**
 * One sequence's attention cache: per layer, two row-major arrays of width {@code aWidth} and {@code bWidth}.
 * For MLA they hold the normalised latent c (kv_lora_rank) and the roped shared key (qk_rope_head_dim): the
 * absorbed form (deepseek-v3.md §4.7) needs nothing else. For grouped-query attention they hold K and V.
 */
public final class KvCache {
    private final int aWidth;
    private final int bWidth;
    private final float[][] a;
    private final float[][] b;
    private int length;
    private int capacity;

    public KvCache(int layers, int aWidth, int bWidth, int initialCapacity) {
        this.aWidth = aWidth;
        this.bWidth = bWidth;
        this.capacity = Math.max(1, initialCapacity);
        this.a = new float[layers][capacity * aWidth];
        this.b = new float[layers][capacity * bWidth];
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
        }
        capacity = cap;
    }

    /** Writes the rows of new tokens (at positions length …) for one layer. */
    void put(int layer, int pos, float[] srcA, int aOff, float[] srcB, int bOff) {
        System.arraycopy(srcA, aOff, a[layer], pos * aWidth, aWidth);
        System.arraycopy(srcB, bOff, b[layer], pos * bWidth, bWidth);
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
        }
        c.length = length;
        return c;
    }

    /** Forgets everything after the first n tokens. */
    public void truncate(int n) {
        if (n < 0 || n > length) throw new IllegalArgumentException("truncate to " + n + " of " + length);
        length = n;
    }
}
