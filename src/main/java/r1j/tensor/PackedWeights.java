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
    private static final ThreadLocal<Scope> ACTIVE = new ThreadLocal<>();

    /** The packed copies of one scope and the width it packs them in. */
    record Scope(Map<float[], Gemm.PackedB> packed, FrozenDtype dtype) {}

    private PackedWeights() {}

    /** Opens a scope on this thread that packs as stored (nested scopes share the outer one). */
    public static Grad.Scope open() {
        return open(FrozenDtype.STORED);
    }

    /**
     * Opens a scope on this thread whose products read the weights in dtype: with {@link FrozenDtype#Q8} float32
     * weights are quantised when first packed and frozen 16-bit ones are read through their 8-bit copy (made once
     * per weight). Nested scopes share the outer one, which must read the weights in the same dtype.
     *
     * @throws IllegalStateException if this thread already has a scope of another dtype: its products would not
     *     read the weights as the caller asked
     */
    public static Grad.Scope open(FrozenDtype dtype) {
        Scope outer = ACTIVE.get();
        if (outer != null) {
            if (outer.dtype() != dtype)
                throw new IllegalStateException("a packed-weights scope reading " + outer.dtype() + " is already open on"
                        + " this thread; a nested scope cannot read " + dtype);
            return () -> { };
        }
        ACTIVE.set(new Scope(new IdentityHashMap<>(), dtype));
        return ACTIVE::remove;
    }

    /** This thread's scope, or null: what a worker running this thread's chunks takes on ({@link ThreadState}). */
    static Scope current() {
        return ACTIVE.get();
    }

    /** Makes s this thread's scope (null: none) and returns the one it replaces. */
    static Scope swap(Scope s) {
        Scope old = ACTIVE.get();
        if (s == null) ACTIVE.remove();
        else ACTIVE.set(s);
        return old;
    }

    /** The packed form of W [n, k] inside a scope, or null outside one. */
    static Gemm.PackedB lookup(float[] w, int n, int k) {
        Scope s = ACTIVE.get();
        if (s == null) return null;
        synchronized (s.packed()) {
            return s.packed().computeIfAbsent(w, x -> s.dtype() == FrozenDtype.Q8 ? Gemm.packQ8(x, n, k) : Gemm.pack(x, n, k));
        }
    }

    /** The frozen weight w as this thread's scope reads it: its 8-bit copy in a Q8 scope, else w itself. */
    static Gemm.PackedB frozen(Gemm.PackedB w) {
        Scope s = ACTIVE.get();
        return s != null && s.dtype() == FrozenDtype.Q8 ? w.q8Copy() : w;
    }

    /**
     * What an embedding lookup reads the rows of w [n, d] from: in a Q8 scope, without gradients, w's 8-bit copy (as a
     * model loaded in 8 bits reads its embedding); otherwise w's packed form, or null for w's own float32 rows.
     */
    public static Gemm.PackedB rowsOf(Tensor w) {
        Scope s = ACTIVE.get();
        boolean q8 = s != null && s.dtype() == FrozenDtype.Q8 && !Grad.isEnabled();
        if (w.packed() != null) return q8 ? frozen(w.packed()) : w.packed();
        return q8 ? lookup(w.data, w.dim(0), w.dim(1)) : null;
    }
}
