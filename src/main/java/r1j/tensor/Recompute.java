package r1j.tensor;

import java.util.function.UnaryOperator;

/**
 * Gradient checkpointing (Chen et al. 2016, "Training deep nets with sublinear memory cost"): f(x) computed without
 * keeping its intermediates, and computed again from x's values in the backward, where its graph gives x and the
 * weights f uses their gradients. A decoder layer's activations then cost one [tokens, hidden] input instead of a
 * dozen intermediate rows. The recomputation repeats the same operations on the same values (dropout masks are
 * seeded per step), so the gradients are those of the plain graph.
 */
public final class Recompute {
    private Recompute() {}

    /** Set while a training forward runs without its graph: training-only behaviour (dropout) must stay on. */
    private static final ThreadLocal<int[]> TRAINING_WITHOUT_GRAPH = ThreadLocal.withInitial(() -> new int[1]);

    /** Whether this is a training forward: a graph is recorded, or it will be recomputed with one. */
    public static boolean training() {
        return Grad.isEnabled() || TRAINING_WITHOUT_GRAPH.get()[0] > 0;
    }

    /** f(x), recomputed in the backward; weights lists the trainable tensors f reads (they get their gradients). */
    public static Tensor apply(UnaryOperator<Tensor> f, Tensor x, Tensor... weights) {
        if (!Grad.isEnabled()) return f.apply(x);
        Tensor y;
        int[] t = TRAINING_WITHOUT_GRAPH.get();
        t[0]++;
        try (var off = Grad.noGrad()) {
            y = f.apply(x);
        } finally {
            t[0]--;
        }
        Tensor[] parents = new Tensor[weights.length + 1];
        parents[0] = x;
        System.arraycopy(weights, 0, parents, 1, weights.length);
        return Tensor.view(y.data, y.shape(), out -> {
            try (var on = Grad.enabled()) {
                Tensor in = Tensor.param("recomputed input", x.data, x.shape());
                Tensor again = f.apply(in);
                again.backward(out.grad);
                if (x.requiresGrad()) Kernels.axpy(1f, in.grad(), 0, x.gradBuffer(), 0, x.numel());
                again.releaseGraph();
            }
        }, parents);
    }
}
