package r1j.tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A scope in which weights are constant, so each is packed for the matmul kernel once instead of at every call:
 * decoding runs hundreds of small products per weight between two updates. Inside the scope, linear layers that
 * record no gradient use the packed copy; the arithmetic is the same as packing on the fly, bit for bit. The scope
 * must not outlive the weights' values: open it around generation, after an update, and close it before the next.
 */
public final class PackedWeights {
    private static volatile Map<float[], Gemm.PackedB> active;

    private PackedWeights() {}

    /** Opens a scope (nested scopes share the outer one). */
    public static Grad.Scope open() {
        if (active != null) return () -> { };
        active = new IdentityHashMap<>();
        return () -> active = null;
    }

    /** The packed form of W [n, k] inside a scope, or null outside one. */
    static Gemm.PackedB lookup(float[] w, int n, int k) {
        Map<float[], Gemm.PackedB> m = active;
        if (m == null) return null;
        synchronized (m) {
            return m.computeIfAbsent(w, x -> Gemm.pack(x, n, k));
        }
    }
}
