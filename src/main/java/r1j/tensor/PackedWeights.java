package r1j.tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A scope in which weights are constant, so each is packed for the matmul kernel once instead of at every call:
 * decoding runs hundreds of small products per weight between two updates. Inside the scope, linear layers that
 * record no gradient use the packed copy; the arithmetic is the same as packing on the fly, bit for bit. The scope
 * must not outlive the weights' values: open it around generation, after an update, and close it before the next.
 *
 * <p>A scope belongs to the thread that opened it (and to the pool's workers while they run that thread's chunks,
 * {@link Parallel}): a job generating on one thread never reads packed copies of another job's weights, which that job
 * may be updating meanwhile.
 */
public final class PackedWeights {
    private static final ThreadLocal<Map<float[], Gemm.PackedB>> ACTIVE = new ThreadLocal<>();

    private PackedWeights() {}

    /** Opens a scope on this thread (nested scopes share the outer one). */
    public static Grad.Scope open() {
        if (ACTIVE.get() != null) return () -> { };
        ACTIVE.set(new IdentityHashMap<>());
        return ACTIVE::remove;
    }

    /** This thread's scope, or null: what a worker running this thread's chunks takes on ({@link ThreadState}). */
    static Map<float[], Gemm.PackedB> current() {
        return ACTIVE.get();
    }

    /** Makes m this thread's scope (null: none) and returns the one it replaces. */
    static Map<float[], Gemm.PackedB> swap(Map<float[], Gemm.PackedB> m) {
        Map<float[], Gemm.PackedB> old = ACTIVE.get();
        if (m == null) ACTIVE.remove();
        else ACTIVE.set(m);
        return old;
    }

    /** The packed form of W [n, k] inside a scope, or null outside one. */
    static Gemm.PackedB lookup(float[] w, int n, int k) {
        Map<float[], Gemm.PackedB> m = ACTIVE.get();
        if (m == null) return null;
        synchronized (m) {
            return m.computeIfAbsent(w, x -> Gemm.pack(x, n, k));
        }
    }
}
