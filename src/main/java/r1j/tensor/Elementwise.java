package r1j.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Elementwise ops with their gradients. Binary ops take two tensors of one shape, or a second operand of shape
 * [cols] broadcast over the rows of the first (a bias, a norm weight, a per-feature scale).
 */
public final class Elementwise {
    private static final int GRAIN = 1 << 15;

    private Elementwise() {}

    private static boolean rowBroadcast(String op, Tensor a, Tensor b) {
        if (java.util.Arrays.equals(a.shape(), b.shape())) return false;
        Shapes.check(b.numel() == a.cols() && b.rank() == 1, op, a, b, "need equal shapes or b of shape [cols of a]");
        return true;
    }

    /** a + b. */
    public static Tensor add(Tensor a, Tensor b) {
        return addScaled(a, b, 1f, "add");
    }

    /** a − b. */
    public static Tensor sub(Tensor a, Tensor b) {
        return addScaled(a, b, -1f, "sub");
    }

    private static Tensor addScaled(Tensor a, Tensor b, float sb, String op) {
        boolean bc = rowBroadcast(op, a, b);
        int n = a.numel(), cols = a.cols();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] g = out.grad;
            if (a.requiresGrad()) Kernels.axpy(1f, g, 0, a.gradBuffer(), 0, n);
            if (b.requiresGrad()) {
                float[] gb = b.gradBuffer();
                if (!bc) Kernels.axpy(sb, g, 0, gb, 0, n);
                else for (int r = 0; r < n / Math.max(1, cols); r++) Kernels.axpy(sb, g, r * cols, gb, 0, cols);
            }
        }, a, b);
        float[] x = a.data, z = b.data, o = y.data;
        Parallel.range(n, GRAIN, (c, lo, hi) -> {
            if (!bc) {
                for (int i = lo; i < hi; i++) o[i] = x[i] + sb * z[i];
            } else {
                for (int i = lo; i < hi; i++) o[i] = x[i] + sb * z[i % cols];
            }
        });
        return y;
    }

    /** a ⊙ b. */
    public static Tensor mul(Tensor a, Tensor b) {
        boolean bc = rowBroadcast("mul", a, b);
        int n = a.numel(), cols = a.cols();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] g = out.grad;
            if (a.requiresGrad()) {
                float[] ga = a.gradBuffer();
                for (int i = 0; i < n; i++) ga[i] += g[i] * b.data[bc ? i % cols : i];
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradBuffer();
                for (int i = 0; i < n; i++) gb[bc ? i % cols : i] += g[i] * a.data[i];
            }
        }, a, b);
        float[] x = a.data, z = b.data, o = y.data;
        Parallel.range(n, GRAIN, (c, lo, hi) -> {
            for (int i = lo; i < hi; i++) o[i] = x[i] * z[bc ? i % cols : i];
        });
        return y;
    }

    /** s·a for a constant s. */
    public static Tensor scale(Tensor a, float s) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> Kernels.axpy(s, out.grad, 0, a.gradBuffer(), 0, n), a);
        System.arraycopy(a.data, 0, y.data, 0, n);
        Kernels.scale(s, y.data, 0, n);
        return y;
    }

    /** a + s for a constant s. */
    public static Tensor addScalar(Tensor a, float s) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> Kernels.axpy(1f, out.grad, 0, a.gradBuffer(), 0, n), a);
        for (int i = 0; i < n; i++) y.data[i] = a.data[i] + s;
        return y;
    }

    /** e^a. */
    public static Tensor exp(Tensor a) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < n; i++) ga[i] += out.grad[i] * out.data[i];
        }, a);
        for (int i = 0; i < n; i++) y.data[i] = (float) Math.exp(a.data[i]);
        return y;
    }

    /** ln a. */
    public static Tensor log(Tensor a) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < n; i++) ga[i] += out.grad[i] / a.data[i];
        }, a);
        for (int i = 0; i < n; i++) y.data[i] = (float) Math.log(a.data[i]);
        return y;
    }

    /** min(max(a, lo), hi); the gradient passes where a is inside [lo, hi] (as torch.clamp). */
    public static Tensor clamp(Tensor a, float lo, float hi) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < n; i++) if (a.data[i] >= lo && a.data[i] <= hi) ga[i] += out.grad[i];
        }, a);
        for (int i = 0; i < n; i++) y.data[i] = Math.min(Math.max(a.data[i], lo), hi);
        return y;
    }

    /** Elementwise minimum; on ties the gradient goes to a. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return pick(a, b, true);
    }

    /** Elementwise maximum; on ties the gradient goes to a. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return pick(a, b, false);
    }

    private static Tensor pick(Tensor a, Tensor b, boolean min) {
        Shapes.same(min ? "minimum" : "maximum", a, b);
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> {
            for (int i = 0; i < n; i++) {
                boolean takeA = min ? a.data[i] <= b.data[i] : a.data[i] >= b.data[i];
                Tensor t = takeA ? a : b;
                if (t.requiresGrad()) t.gradBuffer()[i] += out.grad[i];
            }
        }, a, b);
        for (int i = 0; i < n; i++) y.data[i] = min ? Math.min(a.data[i], b.data[i]) : Math.max(a.data[i], b.data[i]);
        return y;
    }

    /** σ(a) = 1 / (1 + e^−a). */
    public static Tensor sigmoid(Tensor a) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < n; i++) {
                float s = out.data[i];
                ga[i] += out.grad[i] * s * (1f - s);
            }
        }, a);
        for (int i = 0; i < n; i++) y.data[i] = sigmoid(a.data[i]);
        return y;
    }

    /** silu(a) = a·σ(a). */
    public static Tensor silu(Tensor a) {
        int n = a.numel();
        Tensor y = Tensor.result(a.shape(), out -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < n; i++) ga[i] += out.grad[i] * siluGrad(a.data[i]);
        }, a);
        for (int i = 0; i < n; i++) y.data[i] = a.data[i] * sigmoid(a.data[i]);
        return y;
    }

    /** The fused SwiGLU gate: silu(gate) ⊙ up (Shazeer 2020), one vectorised pass forward and one backward. */
    public static Tensor swiglu(Tensor gate, Tensor up) {
        Shapes.same("swiglu", gate, up);
        int n = gate.numel();
        float[] g = gate.data, u = up.data;
        Tensor y = Tensor.result(gate.shape(), out -> {
            float[] dy = out.grad;
            float[] dg = gate.requiresGrad() ? gate.gradBuffer() : null;
            float[] du = up.requiresGrad() ? up.gradBuffer() : null;
            Parallel.range(n, GRAIN, (c, lo, hi) -> swigluBackward(g, u, dy, dg, du, lo, hi));
        }, gate, up);
        float[] o = y.data;
        Parallel.range(n, GRAIN, (c, lo, hi) -> {
            int i = lo;
            for (int up2 = hi - Kernels.L; i <= up2; i += Kernels.L) {
                FloatVector x = FloatVector.fromArray(Kernels.S, g, i);
                x.mul(sigmoid(x)).mul(FloatVector.fromArray(Kernels.S, u, i)).intoArray(o, i);
            }
            for (; i < hi; i++) o[i] = g[i] * sigmoid(g[i]) * u[i];
        });
        return y;
    }

    /** dg += dy·u·σ(g)(1 + g(1 − σ(g))), du += dy·g·σ(g). */
    private static void swigluBackward(float[] g, float[] u, float[] dy, float[] dg, float[] du, int lo, int hi) {
        int i = lo;
        for (int up2 = hi - Kernels.L; i <= up2; i += Kernels.L) {
            FloatVector x = FloatVector.fromArray(Kernels.S, g, i);
            FloatVector s = sigmoid(x);
            FloatVector d = FloatVector.fromArray(Kernels.S, dy, i);
            if (dg != null) {
                FloatVector ds = s.mul(x.mul(s.neg().add(1f)).add(1f));
                d.mul(FloatVector.fromArray(Kernels.S, u, i)).fma(ds, FloatVector.fromArray(Kernels.S, dg, i)).intoArray(dg, i);
            }
            if (du != null) d.mul(x).fma(s, FloatVector.fromArray(Kernels.S, du, i)).intoArray(du, i);
        }
        for (; i < hi; i++) {
            float s = sigmoid(g[i]);
            if (dg != null) dg[i] += dy[i] * u[i] * s * (1f + g[i] * (1f - s));
            if (du != null) du[i] += dy[i] * g[i] * s;
        }
    }

    /** σ per lane through the deterministic {@link Kernels#exp(FloatVector)}. */
    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(Kernels.S, 1f).div(Kernels.exp(x.neg()).add(1f));
    }

    static float sigmoid(float x) {
        return 1f / (1f + Kernels.exp(-x));
    }

    private static float siluGrad(float x) {
        float s = sigmoid(x);
        return s * (1f + x * (1f - s));
    }
}
