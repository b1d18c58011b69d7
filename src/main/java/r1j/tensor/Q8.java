package r1j.tensor;

/**
 * ggml's Q8_0 block quantisation (llama.cpp {@code quantize_row_q8_0_ref}): each run of 32 consecutive values of a
 * weight row shares one scale d = max|x| / 127, stored as IEEE half, and holds q = round(x / d) (half away from
 * zero) in int8. A value reads back as q · d. r1j's 8-bit frozen weights ({@link Gemm#packQ8}) and its GGUF Q8_0
 * export quantise through this one method, so both hold exactly the values llama.cpp's Q8_0 model holds.
 */
public final class Q8 {
    /** Values per block, as ggml's QK8_0. */
    public static final int BLOCK = 32;

    private Q8() {}

    /**
     * Quantises x[off, off + count) (count ≤ {@link #BLOCK}) into q[qOff, qOff + count) and returns the block's scale
     * as a half (its bits); {@code Float.float16ToFloat} of it times q is what the block reads back as.
     */
    public static short quantize(float[] x, int off, int count, byte[] q, int qOff) {
        float amax = 0;
        for (int i = 0; i < count; i++) amax = Math.max(amax, Math.abs(x[off + i]));
        // The inverse comes from the float scale, the stored scale is its half: as ggml computes them.
        float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
        for (int i = 0; i < count; i++) {
            float v = x[off + i] * id;
            q[qOff + i] = (byte) (Math.signum(v) * Math.round(Math.abs(v)));
        }
        return Float.floatToFloat16(d);
    }
}
