package r1j.model;

/**
 * The rows of an inference step: row i is a new token of the sequence whose cache is {@code cache[i]}, at
 * absolute position {@code pos[i]}. Rows of one sequence are contiguous and in position order.
 */
record CachedRows(KvCache[] cache, int[] pos) {
    int size() {
        return pos.length;
    }

    int maxPos() {
        int m = 0;
        for (int p : pos) m = Math.max(m, p);
        return m;
    }
}
