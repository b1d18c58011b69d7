package r1j.nn;

import r1j.tensor.Kernels;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/** RMSNorm (Zhang &amp; Sennrich 2019): y = x / sqrt(mean(x²) + ε) ⊙ w, per row. */
public final class RMSNorm {
    private RMSNorm() {}

    public static Tensor apply(Tensor x, Tensor w, float eps) {
        int n = x.rows(), d = x.cols();
        if (w.numel() != d) {
            throw new IllegalArgumentException("rmsnorm: weight has " + w.numel() + " values for rows of " + d);
        }
        float[] inv = new float[n];
        Tensor y = Tensor.result(x.shape(), out -> backward(x, w, inv, out.grad(), n, d), x, w);
        Parallel.range(n, Math.max(1, 16_384 / d), (c, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int o = i * d;
                float r = (float) (1.0 / Math.sqrt(Kernels.sumSquares(x.data, o, d) / d + eps));
                inv[i] = r;
                for (int j = 0; j < d; j++) y.data[o + j] = x.data[o + j] * r * w.data[j];
            }
        });
        return y;
    }

    /**
     * With x̂ = x·r: dw = Σ_rows dy ⊙ x̂ and dx = r·(dy⊙w − x̂·mean(dy⊙w⊙x̂)). The weight gradient is summed per
     * chunk and the chunks added in order, so the result does not depend on timing.
     */
    private static void backward(Tensor x, Tensor w, float[] inv, float[] dy, int n, int d) {
        int chunks = Parallel.chunks(n, Math.max(1, 16_384 / d));
        float[][] dwPart = new float[chunks][];
        float[] gx = x.requiresGrad() ? x.gradBuffer() : null;
        Parallel.split(n, chunks, (c, lo, hi) -> {
            float[] dw = new float[d];
            for (int i = lo; i < hi; i++) {
                int o = i * d;
                float r = inv[i];
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    float xh = x.data[o + j] * r;
                    dw[j] += dy[o + j] * xh;
                    dot += (double) dy[o + j] * w.data[j] * xh;
                }
                if (gx != null) {
                    float mean = (float) (dot / d);
                    for (int j = 0; j < d; j++) gx[o + j] += r * (dy[o + j] * w.data[j] - x.data[o + j] * r * mean);
                }
            }
            dwPart[c] = dw;
        });
        if (w.requiresGrad()) {
            float[] gw = w.gradBuffer();
            for (float[] part : dwPart) if (part != null) Kernels.axpy(1f, part, 0, gw, 0, d);
        }
    }
}
