package r1j.tensor;

/** Autograd wrappers around {@link Gemm}: the linear layer, the plain product, and its batched form. */
public final class MatMul {
    private MatMul() {}

    /**
     * y = x·wᵀ with x [..., K] and w [N, K] (a Hugging Face linear weight, [out, in]); y is [..., N]. A LoRA adapter
     * attached to w ({@link Tensor#adapter()}, or each row's own when several are served) adds its low-rank update.
     */
    public static Tensor linear(Tensor x, Tensor w) {
        Tensor y = plain(x, w);
        return LowRank.enabled() ? LowRank.add(y, x, w.adapters()) : y;
    }

    private static Tensor plain(Tensor x, Tensor w) {
        Shapes.check(w.rank() == 2 && x.cols() == w.dim(1), "linear", x, w, "need x [..., K] and w [N, K]");
        int m = x.rows(), k = x.cols(), n = w.dim(0);
        Gemm.PackedB stored = w.packed();
        if (stored != null) {
            // Without gradients, a generating scope may read the weight in 8 bits; the backward always reads it as stored.
            Gemm.PackedB frozen = Grad.isEnabled() ? stored : PackedWeights.frozen(stored);
            Tensor y = Tensor.result(Shapes.withLast(x.shape(), n), out -> {
                if (x.requiresGrad()) Gemm.gemmPackedNN(m, Gemm.Operand.of(out.grad, 0, n), stored,
                        Gemm.Operand.of(x.gradBuffer(), 0, k), true);
            }, x, w);
            Gemm.gemmPacked(m, Gemm.Operand.of(x.data, 0, k), frozen, Gemm.Operand.of(y.data, 0, n), false);
            return y;
        }
        Tensor y = Tensor.result(Shapes.withLast(x.shape(), n), out -> {
            float[] dy = out.grad;
            // dX[M,K] += dY[M,N]·W[N,K];  dW[N,K] += dY[M,N]ᵀ·X[M,K]
            if (x.requiresGrad()) Gemm.gemm(m, k, n, Gemm.Operand.of(dy, 0, n), Gemm.Operand.of(w.data, 0, k),
                    Gemm.Operand.of(x.gradBuffer(), 0, k), true);
            if (w.requiresGrad()) Gemm.gemm(n, k, m, Gemm.Operand.transposed(dy, 0, n), Gemm.Operand.of(x.data, 0, k),
                    Gemm.Operand.of(w.gradBuffer(), 0, k), true);
        }, x, w);
        Gemm.PackedB packed = Grad.isEnabled() ? null : PackedWeights.lookup(w.data, n, k);
        if (packed != null) Gemm.gemmPacked(m, Gemm.Operand.of(x.data, 0, k), packed, Gemm.Operand.of(y.data, 0, n),
                false);
        else Gemm.gemm(m, n, k, Gemm.Operand.of(x.data, 0, k), Gemm.Operand.transposed(w.data, 0, k),
                Gemm.Operand.of(y.data, 0, n), false);
        return y;
    }

    /** c = a·b with a [M, K] and b [K, N]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        Shapes.check(a.rank() == 2 && b.rank() == 2 && a.dim(1) == b.dim(0), "matmul", a, b, "need [M, K] and [K, N]");
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Tensor c = Tensor.result(new int[] {m, n}, out -> {
            float[] dc = out.grad;
            // dA[M,K] += dC[M,N]·B[K,N]ᵀ;  dB[K,N] += A[M,K]ᵀ·dC[M,N]
            if (a.requiresGrad()) Gemm.gemm(m, k, n, Gemm.Operand.of(dc, 0, n), Gemm.Operand.transposed(b.data, 0, n),
                    Gemm.Operand.of(a.gradBuffer(), 0, k), true);
            if (b.requiresGrad()) Gemm.gemm(k, n, m, Gemm.Operand.transposed(a.data, 0, k), Gemm.Operand.of(dc, 0, n),
                    Gemm.Operand.of(b.gradBuffer(), 0, n), true);
        }, a, b);
        Gemm.gemm(m, n, k, Gemm.Operand.of(a.data, 0, k), Gemm.Operand.of(b.data, 0, n), Gemm.Operand.of(c.data, 0, n),
                false);
        return c;
    }

    /**
     * Batched product over the first dimension: a [B, M, K] times b [B, K, N], or b [B, N, K] transposed when
     * transB (per-head products such as MLA's absorbed query projection).
     */
    public static Tensor bmm(Tensor a, Tensor b, boolean transB) {
        Shapes.check(a.rank() == 3 && b.rank() == 3 && a.dim(0) == b.dim(0)
                && a.dim(2) == (transB ? b.dim(2) : b.dim(1)), "bmm", a, b,
                transB ? "need [B, M, K] and [B, N, K]" : "need [B, M, K] and [B, K, N]");
        int batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = transB ? b.dim(1) : b.dim(2);
        int ldb = transB ? k : n;
        Tensor c = Tensor.result(new int[] {batch, m, n}, out -> {
            float[] dc = out.grad;
            for (int i = 0; i < batch; i++) {
                int ao = i * m * k, bo = i * k * n, co = i * m * n;
                if (a.requiresGrad()) {
                    // dA = dC·op(B)ᵀ
                    Gemm.gemm(m, k, n, Gemm.Operand.of(dc, co, n), new Gemm.Operand(b.data, bo, ldb, !transB),
                            Gemm.Operand.of(a.gradBuffer(), ao, k), true);
                }
                if (b.requiresGrad()) {
                    if (transB) Gemm.gemm(n, k, m, Gemm.Operand.transposed(dc, co, n), Gemm.Operand.of(a.data, ao, k),
                            Gemm.Operand.of(b.gradBuffer(), bo, k), true);
                    else Gemm.gemm(k, n, m, Gemm.Operand.transposed(a.data, ao, k), Gemm.Operand.of(dc, co, n),
                            Gemm.Operand.of(b.gradBuffer(), bo, n), true);
                }
            }
        }, a, b);
        for (int i = 0; i < batch; i++) {
            Gemm.gemm(m, n, k, Gemm.Operand.of(a.data, i * m * k, k), new Gemm.Operand(b.data, i * k * n, ldb, transB),
                    Gemm.Operand.of(c.data, i * m * n, n), false);
        }
        return c;
    }
}
