package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import r1j.io.DType;

/**
 * The one-row product (decoding one sequence) gives the bits the register-tiled kernel gives that row in a batch, for
 * float32 and bfloat16 weights, with and without accumulation, for N across whole and partial four-sliver groups and K
 * across several 512-wide blocks, on one thread and on all; and it agrees with the double-precision reference.
 */
class GemvTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    /** W rounded to bfloat16, packed as a checkpoint's 16-bit weight, and its exact float values. */
    static Gemm.PackedB bf16(float[] w, int n, int k) {
        ByteBuffer buf = ByteBuffer.allocate(2 * n * k).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < w.length; i++) {
            short h = DType.toBf16(w[i]);
            w[i] = DType.fromBf16(h);
            buf.putShort(h);
        }
        return Gemm.pack16(MemorySegment.ofArray(buf.array()), 0, false, n, k);
    }

    @ParameterizedTest
    @CsvSource({"1, 7", "37, 1100", "128, 896", "300, 512", "1000, 1030", "4099, 64"})
    void oneRowEqualsItsRowInABatch(int n, int k) {
        float[] w = random(n * k, 1);
        Gemm.PackedB half = bf16(w, n, k), full = Gemm.pack(w, n, k);
        int m = 9, xOff = 3, yOff = 5;
        float[] x = random(m * k + xOff, 2), start = random(m * n + yOff, 3);
        for (Gemm.PackedB p : new Gemm.PackedB[] {full, half}) {
            for (boolean acc : new boolean[] {false, true}) {
                float[] batch = start.clone();
                Gemm.gemmPacked(m, Gemm.Operand.of(x, xOff, k), p, Gemm.Operand.of(batch, yOff, n), acc);
                for (int row : new int[] {0, 4, 8}) {
                    float[] one = start.clone(), oneThread = start.clone();
                    Gemm.gemmPacked(1, Gemm.Operand.of(x, xOff + row * k, k), p,
                            Gemm.Operand.of(one, yOff + row * n, n), acc);
                    Parallel.withThreads(1, () -> Gemm.gemmPacked(1, Gemm.Operand.of(x, xOff + row * k, k), p,
                            Gemm.Operand.of(oneThread, yOff + row * n, n), acc));
                    String what = (p == half ? "bf16" : "f32") + (acc ? " accumulated" : "") + ", row " + row;
                    assertThat(one).as(what + ": only its own row written, as in the batch")
                            .containsExactly(spliced(start, batch, yOff + row * n, n));
                    assertThat(oneThread).as(what + ": one thread").containsExactly(one);

                    float[] ref = Arrays.copyOfRange(start, yOff + row * n, yOff + row * n + n);
                    Gemm.reference(1, n, k, Gemm.Operand.of(x, xOff + row * k, k), Gemm.Operand.transposed(w, 0, k),
                            Gemm.Operand.of(ref, 0, n), acc);
                    for (int j = 0; j < n; j++) {
                        assertThat(one[yOff + row * n + j]).as(what + ", output %d", j)
                                .isCloseTo(ref[j], org.assertj.core.data.Offset.offset(1e-4f * (float) Math.sqrt(k)));
                    }
                }
            }
        }
    }

    /** start with [at, at + n) taken from batch. */
    private static float[] spliced(float[] start, float[] batch, int at, int n) {
        float[] out = start.clone();
        System.arraycopy(batch, at, out, at, n);
        return out;
    }
}
