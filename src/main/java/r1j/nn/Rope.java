package r1j.nn;

import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/**
 * Rotary position embedding on the rotary slice of every head of x [n, heads·headStride]: columns
 * [h·headStride + offset, … + table.dim()). Other columns pass through. Two pair layouts:
 * <ul>
 *   <li>interleaved: pairs (2i, 2i+1), as DeepSeek's checkpoints store q_rope and k_rope;</li>
 *   <li>half-split: pairs (i, i + d/2), as Llama and Qwen2 (rotate_half).</li>
 * </ul>
 * The backward rotates the gradient by −angle (the rotation's transpose).
 */
public final class Rope {
    private Rope() {}

    public static Tensor apply(Tensor x, int[] positions, int heads, int headStride, int offset,
                               RopeTable table, boolean interleaved) {
        int n = x.rows(), cols = x.cols(), d = table.dim(), half = d / 2;
        if (cols != heads * headStride || offset + d > headStride) {
            throw new IllegalArgumentException("rope: rows of " + cols + " columns do not hold " + heads
                    + " heads of " + headStride + " with a rotary slice [" + offset + ", " + (offset + d) + ")");
        }
        if (positions.length != n) {
            throw new IllegalArgumentException("rope: " + positions.length + " positions for " + n + " rows");
        }
        int maxPos = 0;
        for (int p : positions) maxPos = Math.max(maxPos, p);
        table.ensure(maxPos + 1);
        float[] cos = table.cos(), sin = table.sin();
        Tensor y = Tensor.result(x.shape(), out -> {
            float[] gx = x.gradBuffer();
            rotate(out.grad(), gx, true, n, positions, heads, headStride, offset, half, cos, sin, interleaved, -1f);
        }, x);
        rotate(x.data, y.data, false, n, positions, heads, headStride, offset, half, cos, sin, interleaved, 1f);
        return y;
    }

    /** dst = R(sign·angle)·src on the rotary slices (added to dst when accumulate), copied elsewhere. */
    private static void rotate(float[] src, float[] dst, boolean accumulate, int n, int[] positions, int heads,
                               int headStride, int offset, int half, float[] cos, float[] sin,
                               boolean interleaved, float sign) {
        int cols = heads * headStride;
        Parallel.range(n, Math.max(1, 8192 / cols), (c, lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int row = r * cols;
                if (accumulate) {
                    for (int j = 0; j < cols; j++) dst[row + j] += src[row + j];
                } else {
                    System.arraycopy(src, row, dst, row, cols);
                }
                int t = positions[r] * half;
                for (int h = 0; h < heads; h++) {
                    int base = row + h * headStride + offset;
                    for (int i = 0; i < half; i++) {
                        int ia = interleaved ? base + 2 * i : base + i;
                        int ib = interleaved ? ia + 1 : ia + half;
                        float a = src[ia], b = src[ib];
                        float co = cos[t + i], si = sign * sin[t + i];
                        float ra = a * co - b * si, rb = a * si + b * co;
                        if (accumulate) {
                            dst[ia] += ra - a;
                            dst[ib] += rb - b;
                        } else {
                            dst[ia] = ra;
                            dst[ib] = rb;
                        }
                    }
                }
            }
        });
    }
}
