package r1j.tensor;

import java.util.Arrays;

/**
 * Row and column selection on 2-D [rows, cols] tensors: gather and scatter of rows (MoE dispatch and combine),
 * per-row column gathers and top-k (router), column slices and concatenation (MLA's split projections).
 */
public final class Rows {
    private Rows() {}

    /** y[i] = x[rows[i]]; y is [rows.length, cols]. */
    public static Tensor gather(Tensor x, int[] rows) {
        int cols = x.cols(), n = x.rows();
        for (int r : rows) if (r < 0 || r >= n) throw new IndexOutOfBoundsException("gather: row " + r + " of " + n);
        Tensor y = Tensor.result(new int[] {rows.length, cols}, out -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < rows.length; i++) Kernels.axpy(1f, out.grad, i * cols, gx, rows[i] * cols, cols);
        }, x);
        for (int i = 0; i < rows.length; i++) System.arraycopy(x.data, rows[i] * cols, y.data, i * cols, cols);
        return y;
    }

    /** y is [n, cols] of zeros with y[rows[i]] += x[i] (index_add; MoE combine). */
    public static Tensor scatterAdd(Tensor x, int[] rows, int n) {
        int cols = x.cols();
        Shapes.check(x.rows() == rows.length, "scatterAdd", x, "need one target row per input row (" + rows.length + ")");
        for (int r : rows) if (r < 0 || r >= n) throw new IndexOutOfBoundsException("scatterAdd: row " + r + " of " + n);
        Tensor y = Tensor.result(new int[] {n, cols}, out -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < rows.length; i++) Kernels.axpy(1f, out.grad, rows[i] * cols, gx, i * cols, cols);
        }, x);
        Arrays.fill(y.data, 0f);
        for (int i = 0; i < rows.length; i++) Kernels.axpy(1f, x.data, i * cols, y.data, rows[i] * cols, cols);
        return y;
    }

    /** y[i] = w[i]·x[i] for x [n, cols] and w [n] (gate weights times expert outputs). */
    public static Tensor scale(Tensor x, Tensor w) {
        int cols = x.cols(), n = x.rows();
        Shapes.check(w.numel() == n, "Rows.scale", x, w, "need one weight per row");
        Tensor y = Tensor.result(x.shape(), out -> {
            for (int i = 0; i < n; i++) {
                if (x.requiresGrad()) Kernels.axpy(w.data[i], out.grad, i * cols, x.gradBuffer(), i * cols, cols);
                if (w.requiresGrad()) w.gradBuffer()[i] += Kernels.dot(out.grad, i * cols, x.data, i * cols, cols);
            }
        }, x, w);
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data, i * cols, y.data, i * cols, cols);
            Kernels.scale(w.data[i], y.data, i * cols, cols);
        }
        return y;
    }

    /** y[i][j] = x[i][idx[i·k + j]] for x [n, cols]; y is [n, k]. */
    public static Tensor gatherCols(Tensor x, int[] idx, int k) {
        int cols = x.cols(), n = x.rows();
        Shapes.check(idx.length == n * k, "gatherCols", x, "need " + k + " indices per row");
        Tensor y = Tensor.result(new int[] {n, k}, out -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < n * k; i++) gx[(i / k) * cols + idx[i]] += out.grad[i];
        }, x);
        for (int i = 0; i < n * k; i++) {
            int c = idx[i];
            if (c < 0 || c >= cols) throw new IndexOutOfBoundsException("gatherCols: column " + c + " of " + cols);
            y.data[i] = x.data[(i / k) * cols + c];
        }
        return y;
    }

    /**
     * Indices of the k largest values of each row of [n, cols] (not differentiable: a selection), ordered by
     * value descending, ties to the lower index. Returns n·k indices.
     */
    public static int[] topk(float[] x, int n, int cols, int k) {
        if (k > cols) throw new IllegalArgumentException("topk: k = " + k + " > " + cols + " columns");
        int[] out = new int[n * k];
        for (int i = 0; i < n; i++) {
            int base = i * cols;
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int c = 0; c < cols; c++) {
                    boolean taken = false;
                    for (int q = 0; q < j; q++) if (out[i * k + q] == c) { taken = true; break; }
                    if (!taken && (best < 0 || x[base + c] > x[base + best])) best = c;
                }
                out[i * k + j] = best;
            }
        }
        return out;
    }

    /** Columns [from, to) of x [..., cols]. */
    public static Tensor sliceCols(Tensor x, int from, int to) {
        int cols = x.cols(), n = x.rows(), w = to - from;
        Shapes.check(0 <= from && from <= to && to <= cols, "sliceCols", x, "columns [" + from + ", " + to + ") out of range");
        Tensor y = Tensor.result(Shapes.withLast(x.shape(), w), out -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < n; i++) Kernels.axpy(1f, out.grad, i * w, gx, i * cols + from, w);
        }, x);
        for (int i = 0; i < n; i++) System.arraycopy(x.data, i * cols + from, y.data, i * w, w);
        return y;
    }

    /** [a | b] along the last dimension; a and b have the same number of rows. */
    public static Tensor concatCols(Tensor a, Tensor b) {
        int ca = a.cols(), cb = b.cols(), n = a.rows(), w = ca + cb;
        Shapes.check(a.rows() == b.rows(), "concatCols", a, b, "need the same number of rows");
        Tensor y = Tensor.result(Shapes.withLast(a.shape(), w), out -> {
            for (int i = 0; i < n; i++) {
                if (a.requiresGrad()) Kernels.axpy(1f, out.grad, i * w, a.gradBuffer(), i * ca, ca);
                if (b.requiresGrad()) Kernels.axpy(1f, out.grad, i * w + ca, b.gradBuffer(), i * cb, cb);
            }
        }, a, b);
        for (int i = 0; i < n; i++) {
            System.arraycopy(a.data, i * ca, y.data, i * w, ca);
            System.arraycopy(b.data, i * cb, y.data, i * w + ca, cb);
        }
        return y;
    }

    /** Rows of all parts stacked in order: [Σ rows, cols]. */
    public static Tensor concatRows(java.util.List<Tensor> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concatRows: no parts");
        int cols = parts.get(0).cols(), rows = 0;
        for (Tensor t : parts) {
            Shapes.check(t.cols() == cols, "concatRows", parts.get(0), t, "need the same number of columns");
            rows += t.rows();
        }
        Tensor y = Tensor.result(new int[] {rows, cols}, out -> {
            int off = 0;
            for (Tensor t : parts) {
                if (t.requiresGrad()) Kernels.axpy(1f, out.grad(), off, t.gradBuffer(), 0, t.numel());
                off += t.numel();
            }
        }, parts.toArray(new Tensor[0]));
        int off = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data, 0, y.data, off, t.numel());
            off += t.numel();
        }
        return y;
    }

    /** y[:, j] = x[:, cols[j]] for a fixed column map (repeats allowed: a broadcast; the backward adds up). */
    public static Tensor selectCols(Tensor x, int[] cols) {
        int n = x.rows(), c = x.cols(), w = cols.length;
        for (int j : cols) if (j < 0 || j >= c) throw new IndexOutOfBoundsException("selectCols: column " + j + " of " + c);
        Tensor y = Tensor.result(Shapes.withLast(x.shape(), w), out -> {
            float[] gx = x.gradBuffer(), g = out.grad();
            for (int i = 0; i < n; i++) for (int j = 0; j < w; j++) gx[i * c + cols[j]] += g[i * w + j];
        }, x);
        Parallel.range(n, Math.max(1, 8192 / Math.max(1, w)), (ch, lo, hi) -> {
            for (int i = lo; i < hi; i++) for (int j = 0; j < w; j++) y.data[i * w + j] = x.data[i * c + cols[j]];
        });
        return y;
    }

    /** y[i][j] = x[i][j] / (Σ_j x[i][j] + eps): normalising the selected gate weights (norm_topk_prob). */
    public static Tensor normalizeRows(Tensor x, float eps) {
        int n = x.rows(), c = x.cols();
        float[] denom = new float[n];
        Tensor y = Tensor.result(x.shape(), out -> {
            float[] gx = x.gradBuffer(), g = out.grad();
            for (int i = 0; i < n; i++) {
                int o = i * c;
                float d = denom[i];
                float dot = Kernels.dot(g, o, x.data, o, c);
                for (int j = 0; j < c; j++) gx[o + j] += g[o + j] / d - dot / (d * d);
            }
        }, x);
        for (int i = 0; i < n; i++) {
            int o = i * c;
            denom[i] = Kernels.sum(x.data, o, c) + eps;
            for (int j = 0; j < c; j++) y.data[o + j] = x.data[o + j] / denom[i];
        }
        return y;
    }
}
