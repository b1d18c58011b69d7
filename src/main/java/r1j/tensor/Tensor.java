package r1j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A float32, row-major tensor that remembers how it was made. When gradients are enabled ({@link Grad}) and an
 * input requires a gradient, an op's result keeps its parents and a backward closure; {@link #backward()} walks
 * that graph in reverse topological order, each closure adding its contribution into the parents' {@code grad}.
 * Gradients accumulate (micro-batches add up) until {@link #zeroGrad()}.
 *
 * <p>Intermediate buffers come from {@link BufferPool} and go back to it with {@link #releaseGraph()}, so a
 * training step of the same shape as the last one allocates nothing new.
 */
public final class Tensor {
    /** Computes the parents' gradient contributions from {@code out.grad}. */
    @FunctionalInterface
    public interface Backward {
        void run(Tensor out);
    }

    private final int[] shape;
    /** The values, row-major; null for a {@link #frozen} weight, whose values live in {@link #packed()}. */
    public final float[] data;
    private final Gemm.PackedB packed;
    private final int numel;
    /**
     * LoRA adapters that {@link MatMul#linear} adds wherever this weight is used, by slot: slot 0 is the one adapter of
     * training and of a model loaded with one; a server of several adapters fills one slot each and routes every row to
     * its own ({@link LowRank#routed}). Empty when none; a slot may be null (that adapter leaves this weight alone).
     */
    private LowRank[] adapters = new LowRank[0];
    float[] grad;
    private final boolean requiresGrad;
    private final String name;
    private Tensor[] parents;
    private Backward backward;
    /** Whether data came from the pool and may go back to it; false for leaves, views and user arrays. */
    private boolean pooled;

    private Tensor(String name, float[] data, int[] shape, boolean requiresGrad, boolean pooled) {
        this(name, data, null, shape, requiresGrad, pooled);
    }

    private Tensor(String name, float[] data, Gemm.PackedB packed, int[] shape, boolean requiresGrad, boolean pooled) {
        long n = numel(shape);
        if (data != null && n != data.length) {
            throw new IllegalArgumentException("tensor " + (name == null ? "" : "'" + name + "' ")
                    + "shape " + Arrays.toString(shape) + " holds " + n + " values but data has " + data.length);
        }
        this.name = name;
        this.data = data;
        this.packed = packed;
        this.numel = (int) n;
        this.shape = shape.clone();
        this.requiresGrad = requiresGrad;
        this.pooled = pooled;
    }

    // ---- construction -------------------------------------------------------------------------------------

    /** A constant tensor over the given data (not copied). */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(null, data, shape, false, false);
    }

    /** A zero-filled constant. */
    public static Tensor zeros(int... shape) {
        return new Tensor(null, new float[checkedNumel(shape)], shape, false, false);
    }

    /** A named, trainable leaf: its gradient is kept and accumulated. */
    public static Tensor param(String name, float[] data, int... shape) {
        return new Tensor(name, data, shape, true, false);
    }

    /**
     * A frozen weight W [N, K] held only in the matmul kernel's packed form (16-bit for checkpoints stored so):
     * {@link MatMul#linear} and the embedding lookup read it; it takes no gradient and has no {@link #data}.
     */
    public static Tensor frozen(String name, Gemm.PackedB w) {
        return new Tensor(name, null, w, new int[] {w.rows(), w.cols()}, false, false);
    }

    /** The packed values of a {@link #frozen} weight, else null. */
    public Gemm.PackedB packed() {
        return packed;
    }

    /** The adapter of slot 0 (training's, or the one a model was loaded with), or null. */
    public LowRank adapter() {
        return adapters.length > 0 ? adapters[0] : null;
    }

    /** Whether any slot holds an adapter: paths that read the weight directly must not skip one. */
    public boolean hasAdapters() {
        for (LowRank a : adapters) if (a != null) return true;
        return false;
    }

    /** The adapters by slot (see {@link #attach(int, LowRank)}); do not modify. */
    LowRank[] adapters() {
        return adapters;
    }

    /** Attaches a LoRA adapter to this weight in slot 0 (null removes it). */
    public void attach(LowRank a) {
        attach(0, a);
    }

    /** Attaches a LoRA adapter in the given slot (null empties it). */
    public void attach(int slot, LowRank a) {
        if (slot < 0) throw new IllegalArgumentException("adapter slot must be ≥ 0, not " + slot);
        if (a != null && (rank() != 2 || a.a.dim(1) != dim(1) || a.b.dim(0) != dim(0))) {
            throw new IllegalArgumentException("adapter of shape A " + java.util.Arrays.toString(a.a.shape()) + ", B "
                    + java.util.Arrays.toString(a.b.shape()) + " does not fit weight " + java.util.Arrays.toString(shape));
        }
        if (slot >= adapters.length) adapters = Arrays.copyOf(adapters, slot + 1);
        adapters[slot] = a;
    }

    /** The values as a new row-major float32 array when frozen, else {@link #data} itself. */
    public float[] values() {
        return packed != null ? packed.toFloat() : data;
    }

    /** A named trainable leaf of zeros. */
    public static Tensor param(String name, int... shape) {
        return param(name, new float[checkedNumel(shape)], shape);
    }

    /**
     * The result of an op: data from the pool (to be fully written by the caller), and, when gradients are on
     * and some parent needs one, a link back to the parents through {@code backward}.
     */
    public static Tensor result(int[] shape, Backward backward, Tensor... parents) {
        float[] data = BufferPool.take(checkedNumel(shape));
        return link(new Tensor(null, data, shape, needsGrad(parents), true), backward, parents);
    }

    /** Like {@link #result} but over existing data (views: reshape). */
    static Tensor view(float[] data, int[] shape, Backward backward, Tensor... parents) {
        return link(new Tensor(null, data, shape, needsGrad(parents), false), backward, parents);
    }

    private static Tensor link(Tensor t, Backward backward, Tensor[] parents) {
        if (t.requiresGrad) {
            t.parents = parents;
            t.backward = backward;
        }
        return t;
    }

    private static boolean needsGrad(Tensor[] parents) {
        if (!Grad.isEnabled()) return false;
        for (Tensor p : parents) if (p != null && p.requiresGrad) return true;
        return false;
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    private static int checkedNumel(int[] shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " too large");
        return (int) n;
    }

    // ---- accessors ----------------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int numel() {
        return numel;
    }

    /** Size of the last dimension. */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Product of all dimensions but the last. */
    public int rows() {
        return shape.length == 0 ? 1 : numel / Math.max(1, cols());
    }

    public String name() {
        return name;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient, or null if none has flowed here yet. */
    public float[] grad() {
        return grad;
    }

    /** The gradient buffer, allocated zeroed on first use. */
    public float[] gradBuffer() {
        if (grad == null) grad = pooled ? BufferPool.takeZeroed(data.length) : new float[data.length];
        return grad;
    }

    public float item() {
        if (data.length != 1) throw new IllegalStateException("item() on a tensor of shape " + Arrays.toString(shape));
        return data[0];
    }

    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + index[i];
        }
        return data[off];
    }

    public void zeroGrad() {
        if (grad != null) Arrays.fill(grad, 0f);
    }

    /** The same values, cut from the graph. */
    public Tensor detach() {
        return of(data, shape);
    }

    /** Same data, another shape with the same number of elements. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(newShape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : (int) (data.length / known);
        if (numel(s) != data.length) {
            throw new IllegalArgumentException("reshape: " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return view(data, s, out -> Kernels.axpy(1f, out.grad, 0, gradBuffer(), 0, data.length), this);
    }

    // ---- backward -----------------------------------------------------------------------------------------

    /** Backpropagates from this scalar: d(this)/d(this) = 1. */
    public void backward() {
        if (data.length != 1) {
            throw new IllegalStateException("backward() needs a scalar, got shape " + Arrays.toString(shape)
                    + "; use backward(seed)");
        }
        float[] seed = {1f};
        backward(seed);
    }

    /** Backpropagates the given gradient of some scalar with respect to this tensor. */
    public void backward(float[] seed) {
        if (seed.length != data.length) {
            throw new IllegalArgumentException("backward seed has " + seed.length + " values for shape " + Arrays.toString(shape));
        }
        if (!requiresGrad) throw new IllegalStateException("backward() on a tensor that does not require grad");
        Kernels.axpy(1f, seed, 0, gradBuffer(), 0, seed.length);
        List<Tensor> order = topologicalOrder();
        try (var ignored = Grad.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                if (t.backward != null && t.grad != null) t.backward.run(t);
            }
        }
    }

    /** Nodes reachable from this one through parents, each after all of its parents. */
    private List<Tensor> topologicalOrder() {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        stack.push(this);
        next.push(0);
        seen.put(this, true);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = next.pop();
            Tensor[] ps = t.parents == null ? new Tensor[0] : t.parents;
            if (i < ps.length) {
                next.push(i + 1);
                Tensor p = ps[i];
                if (p != null && p.requiresGrad && seen.put(p, true) == null) {
                    stack.push(p);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    /**
     * Returns every intermediate buffer of the graph behind this tensor (itself included) to the pool and cuts
     * the links. Leaves (parameters, inputs) keep their data and gradients. Call it once a step's values have
     * been read; the intermediates must not be used afterwards.
     */
    public void releaseGraph() {
        List<Tensor> order = requiresGrad ? topologicalOrder() : List.of(this);
        for (Tensor t : order) {
            if (t.parents == null && t.backward == null && !t.pooled) continue;
            t.parents = null;
            t.backward = null;
            if (t.pooled) {
                t.pooled = false;
                BufferPool.give(t.data);
                if (t.grad != null) BufferPool.give(t.grad);
                t.grad = null;
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor");
        if (name != null) sb.append(" '").append(name).append('\'');
        sb.append(Arrays.toString(shape));
        if (data == null) return sb.append(" (frozen, packed)").toString();
        int n = Math.min(8, data.length);
        sb.append(" [");
        for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(data[i]);
        if (data.length > n) sb.append(", …");
        return sb.append(']').toString();
    }
}
