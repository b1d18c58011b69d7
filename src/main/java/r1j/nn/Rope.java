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
        Slices at = new Slices(positions, heads, headStride, offset, half, interleaved);
        // The table's arrays as of this forward (a later, longer forward may replace them with longer ones).
        Angles angles = new Angles(table.cos(), table.sin());
        Tensor y = Tensor.result(x.shape(), out -> rotate(out.grad(), x.gradBuffer(), true, at, angles, -1f), x);
        rotate(x.data, y.data, false, at, angles, 1f);
        return y;
    }

    /**
     * Where the rotary slices are: row r is at position positions[r] and holds heads of headStride columns, whose
     * slice [offset, offset + 2·half) is rotated, its pairs interleaved or half-split.
     */
    private record Slices(int[] positions, int heads, int headStride, int offset, int half, boolean interleaved) {}

    /** cos and sin of every (position, frequency), position-major. */
    private record Angles(float[] cos, float[] sin) {}

    /** dst = R(sign·angle)·src on the rotary slices (added to dst when accumulate), copied elsewhere. */
    private static void rotate(float[] src, float[] dst, boolean accumulate, Slices at, Angles angles, float sign) {
        int[] positions = at.positions();
        int heads = at.heads(), headStride = at.headStride(), offset = at.offset(), half = at.half(), n = positions.length;
        boolean interleaved = at.interleaved();
        float[] cos = angles.cos(), sin = angles.sin();
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
