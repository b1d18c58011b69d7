package r1j.tensor;

import jdk.incubator.vector.FloatVector;

/** Softmax and log-softmax over the last dimension, and the fused log-softmax + gather of language modelling. */
public final class Softmax {
    private Softmax() {}

    /** softmax(x) per row. */
    public static Tensor softmax(Tensor x) {
        int n = x.rows(), c = x.cols();
        Tensor y = Tensor.result(x.shape(), out -> {
            // dx = y ⊙ (dy − Σ dy·y)
            float[] gx = x.gradBuffer();
            for (int i = 0; i < n; i++) {
                int o = i * c;
                float d = Kernels.dot(out.grad, o, out.data, o, c);
                for (int j = 0; j < c; j++) gx[o + j] += out.data[o + j] * (out.grad[o + j] - d);
            }
        }, x);
        Parallel.range(n, Math.max(1, 32_768 / Math.max(1, c)), (ch, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int o = i * c;
                float lse = logSumExp(x.data, o, c);
                for (int j = 0; j < c; j++) y.data[o + j] = (float) Math.exp(x.data[o + j] - lse);
            }
        });
        return y;
    }

    /** log softmax(x) per row. */
    public static Tensor logSoftmax(Tensor x) {
        int n = x.rows(), c = x.cols();
        Tensor y = Tensor.result(x.shape(), out -> {
            // dx = dy − softmax·Σ dy
            float[] gx = x.gradBuffer();
            for (int i = 0; i < n; i++) {
                int o = i * c;
                float s = Kernels.sum(out.grad, o, c);
                for (int j = 0; j < c; j++) gx[o + j] += out.grad[o + j] - (float) Math.exp(out.data[o + j]) * s;
            }
        }, x);
        Parallel.range(n, Math.max(1, 32_768 / Math.max(1, c)), (ch, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int o = i * c;
                float lse = logSumExp(x.data, o, c);
                for (int j = 0; j < c; j++) y.data[o + j] = x.data[o + j] - lse;
            }
        });
        return y;
    }

    /**
     * lp[i] = log softmax(logits[i])[targets[i]] for logits [n, V]: the per-token log-probabilities that
     * cross-entropy, SFT and GRPO all start from, without materialising the [n, V] log-softmax. A negative
     * target gives 0 and no gradient (padding).
     */
    public static Tensor tokenLogProbs(Tensor logits, int[] targets) {
        int n = logits.rows(), v = logits.cols();
        Shapes.check(targets.length == n, "tokenLogProbs", logits, "need " + n + " targets, got " + targets.length);
        for (int t : targets) if (t >= v) throw new IndexOutOfBoundsException("tokenLogProbs: target " + t + " ≥ vocab " + v);
        float[] lse = new float[n];
        Tensor y = Tensor.result(new int[] {n}, out -> {
            // d lp_i / d logit_ij = 1[j = t_i] − softmax_ij
            float[] gx = logits.gradBuffer();
            Parallel.range(n, Math.max(1, 16_384 / Math.max(1, v)), (ch, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    if (targets[i] < 0) continue;
                    float g = out.grad[i];
                    if (g == 0f) continue;
                    int o = i * v;
                    expShiftAxpy(-g, logits.data, o, lse[i], gx, o, v);
                    gx[o + targets[i]] += g;
                }
            });
        }, logits);
        Parallel.range(n, Math.max(1, 16_384 / Math.max(1, v)), (ch, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                if (targets[i] < 0) {
                    y.data[i] = 0f;
                    continue;
                }
                int o = i * v;
                lse[i] = logSumExp(logits.data, o, v);
                y.data[i] = logits.data[o + targets[i]] - lse[i];
            }
        });
        return y;
    }

    /**
     * log p(target) of each row of h·headᵀ without keeping the logits: the LM head and the log-softmax run over
     * chunks of rows into one chunk-sized buffer, and the backward recomputes each chunk's logits (gradient
     * checkpointing of the head, where a vocabulary of 150 k makes the logits most of a step's activations: 3 floats
     * per vocabulary entry per token otherwise). Rows are computed exactly as {@link #tokenLogProbs} of
     * {@link MatMul#linear} computes them, and the weight's gradient continues one chain of FMAs across the chunks,
     * so the values and gradients are those of the unchunked path.
     */
    public static Tensor headTokenLogProbs(Tensor h, Tensor head, int[] targets, int chunkRows) {
        int n = h.rows(), d = h.cols(), v = head.dim(0);
        Shapes.check(head.rank() == 2 && head.dim(1) == d && targets.length == n && !head.hasAdapters(), "headTokenLogProbs",
                h, head, "need h [n, d], a head [V, d] without adapter and n targets");
        for (int t : targets) if (t >= v) throw new IndexOutOfBoundsException("headTokenLogProbs: target " + t + " ≥ vocab " + v);
        int chunk = Math.max(1, Math.min(n, chunkRows));
        float[] lse = new float[n];
        // The chunk buffer (up to 128 MB) comes from the pool: a fresh one per step would pay the
        // first touch of its pages every time.
        Tensor y = Tensor.result(new int[] {n}, out -> {
            float[] buf = BufferPool.take(chunk * v);
            for (int c0 = 0; c0 < n; c0 += chunk) {
                int rows = Math.min(chunk, n - c0), first = c0;
                logitsOf(h, head, c0, rows, buf);
                // d lp_i / d logit_ij = 1[j = t_i] − softmax_ij, written over the recomputed logits.
                Parallel.range(rows, Math.max(1, 16_384 / Math.max(1, v)), (ch, lo, hi) -> {
                    float[] tmp = new float[v];
                    for (int r = lo; r < hi; r++) {
                        int i = first + r, o = r * v, t = targets[i];
                        float g = t < 0 ? 0f : out.grad[i];
                        if (g == 0f) {
                            java.util.Arrays.fill(buf, o, o + v, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(tmp, 0f);
                        expShiftAxpy(-g, buf, o, lse[i], tmp, 0, v);
                        tmp[t] += g;
                        System.arraycopy(tmp, 0, buf, o, v);
                    }
                });
                if (h.requiresGrad()) {
                    if (head.packed() != null) Gemm.gemmPackedNN(rows, Gemm.Operand.of(buf, 0, v), head.packed(),
                            Gemm.Operand.of(h.gradBuffer(), c0 * d, d), true);
                    else Gemm.gemm(rows, d, v, Gemm.Operand.of(buf, 0, v), Gemm.Operand.of(head.data, 0, d),
                            Gemm.Operand.of(h.gradBuffer(), c0 * d, d), true);
                }
                if (head.requiresGrad()) Gemm.gemm(v, d, rows, Gemm.Operand.transposed(buf, 0, v),
                        Gemm.Operand.of(h.data, c0 * d, d), Gemm.Operand.of(head.gradBuffer(), 0, d), true);
            }
            BufferPool.give(buf);
        }, h, head);
        float[] buf = BufferPool.take(chunk * v);
        for (int c0 = 0; c0 < n; c0 += chunk) {
            int rows = Math.min(chunk, n - c0), first = c0;
            logitsOf(h, head, c0, rows, buf);
            Parallel.range(rows, Math.max(1, 16_384 / Math.max(1, v)), (ch, lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int i = first + r;
                    if (targets[i] < 0) {
                        y.data[i] = 0f;
                        continue;
                    }
                    lse[i] = logSumExp(buf, r * v, v);
                    y.data[i] = buf[r * v + targets[i]] - lse[i];
                }
            });
        }
        BufferPool.give(buf);
        return y;
    }

    /** Rows [c0, c0 + rows) of h·headᵀ into buf, as MatMul.linear computes them. */
    private static void logitsOf(Tensor h, Tensor head, int c0, int rows, float[] buf) {
        int d = h.cols(), v = head.dim(0);
        if (head.packed() != null) Gemm.gemmPacked(rows, Gemm.Operand.of(h.data, c0 * d, d), head.packed(),
                Gemm.Operand.of(buf, 0, v), false);
        else Gemm.gemm(rows, v, d, Gemm.Operand.of(h.data, c0 * d, d), Gemm.Operand.transposed(head.data, 0, d),
                Gemm.Operand.of(buf, 0, v), false);
    }

    /** log Σ exp x[o .. o+n), computed stably around the maximum. */
    public static float logSumExp(float[] x, int o, int n) {
        float m = Kernels.max(x, o, n);
        if (m == Float.NEGATIVE_INFINITY) return m;
        var s = Kernels.S;
        FloatVector acc = FloatVector.zero(s);
        FloatVector vm = FloatVector.broadcast(s, m);
        int i = 0;
        for (int up = n - Kernels.L; i <= up; i += Kernels.L) {
            acc = acc.add(Kernels.exp(FloatVector.fromArray(s, x, o + i).sub(vm)));
        }
        double sum = Kernels.sumLanes(acc);
        for (; i < n; i++) sum += Kernels.exp(x[o + i] - m);
        return (float) (m + Math.log(sum));
    }

    /** y[yo+i] += alpha·exp(x[xo+i] − shift). */
    static void expShiftAxpy(float alpha, float[] x, int xo, float shift, float[] y, int yo, int n) {
        var s = Kernels.S;
        FloatVector va = FloatVector.broadcast(s, alpha), vs = FloatVector.broadcast(s, shift);
        int i = 0;
        for (int up = n - Kernels.L; i <= up; i += Kernels.L) {
            FloatVector e = Kernels.exp(FloatVector.fromArray(s, x, xo + i).sub(vs));
            e.fma(va, FloatVector.fromArray(s, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * Kernels.exp(x[xo + i] - shift);
    }
}
