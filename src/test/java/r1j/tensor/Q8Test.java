package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 8-bit packed weights hold ggml's Q8_0 values (checked against a port of quantize_row_q8_0_ref in double precision),
 * and every product over them — one row (the streaming path), up to 8 rows (one tile), a batch, the input gradient
 * dY·W, one thread or all — gives the bits the float32 kernel gives on those values.
 */
class Q8Test {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * (1 + (i % 7)));
        return a;
    }

    /** ggml's reference, written independently: d = amax / 127 as float, stored as half; q = roundf(x · (1/d)). */
    private static double dequantized(float[] w, int row, int col, int k) {
        int b0 = col / 32 * 32, b1 = Math.min(k, b0 + 32);
        float amax = 0;
        for (int c = b0; c < b1; c++) amax = Math.max(amax, Math.abs(w[row * k + c]));
        float d = amax / 127f;
        if (d == 0) return 0;
        float id = 1f / d;
        double q = Math.signum(w[row * k + col] * id) * Math.floor(Math.abs(w[row * k + col] * id) + 0.5);
        return q * (double) Float.float16ToFloat(Float.floatToFloat16(d));
    }

    @Test
    void holdsGgmlsQ8_0Values() {
        int n = 45, k = 1100; // a partial sliver, two KC blocks, a partial last block of 32
        float[] w = random(n * k, 1);
        w[3 * k + 40] = 0; // a zero in a block, and a block of zeros
        for (int c = 64; c < 96; c++) w[5 * k + c] = 0;
        Gemm.PackedB q = Gemm.packQ8(w, n, k);
        assertThat(q.isQ8()).isTrue();
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                assertThat((double) q.get(r, c)).as("W[%d, %d]", r, c).isEqualTo(dequantized(w, r, c, k));
            }
        }
        assertThat(q.bytes()).isEqualTo(64L * k + 4L * 64 * 35); // two slivers of int8, one scale per 32 per row
        // Quantising a packed weight (a frozen model's 16-bit copy) is quantising its values.
        Gemm.PackedB again = Gemm.packQ8(Gemm.pack(w, n, k));
        assertThat(again.toFloat()).containsExactly(q.toFloat());
    }

    @ParameterizedTest
    @CsvSource({"1, 37, 1100", "1, 4099, 64", "1, 200, 896", "5, 200, 896", "8, 128, 1030", "21, 300, 700"})
    void productsGiveTheFloatKernelsBits(int m, int n, int k) {
        float[] w = random(n * k, 2);
        Gemm.PackedB q = Gemm.packQ8(w, n, k);
        float[] values = q.toFloat();
        float[] x = random(m * k, 3), start = random(m * n, 4);
        for (boolean acc : new boolean[] {false, true}) {
            float[] expected = start.clone(), got = start.clone(), oneThread = start.clone();
            Gemm.matmulNT(m, n, k, x, values, expected, acc);
            Gemm.gemmPacked(m, Gemm.Operand.of(x, 0, k), q, Gemm.Operand.of(got, 0, n), acc);
            Parallel.withThreads(1, () -> Gemm.gemmPacked(m, Gemm.Operand.of(x, 0, k), q,
                    Gemm.Operand.of(oneThread, 0, n), acc));
            assertThat(got).as("x·Wᵀ, %d rows%s", m, acc ? ", accumulated" : "").containsExactly(expected);
            assertThat(oneThread).as("one thread").containsExactly(expected);
        }
        // The input gradient dY·W through the frozen 8-bit weight.
        float[] dy = random(m * n, 5), dx = new float[m * k], dxRef = new float[m * k];
        Gemm.gemmPackedNN(m, Gemm.Operand.of(dy, 0, n), q, Gemm.Operand.of(dx, 0, k), false);
        Gemm.gemm(m, k, n, Gemm.Operand.of(dy, 0, n), Gemm.Operand.of(values, 0, k), Gemm.Operand.of(dxRef, 0, k), false);
        assertThat(dx).as("dY·W").containsExactly(dxRef);
    }

    @Test
    void aNestedScopeMustReadTheOuterScopesDtype() {
        try (var outer = PackedWeights.open(FrozenDtype.Q8)) {
            try (var same = PackedWeights.open(FrozenDtype.Q8)) {
                assertThat(PackedWeights.current().dtype()).isEqualTo(FrozenDtype.Q8);
            }
            assertThat(PackedWeights.current()).as("closing a nested scope keeps the outer one").isNotNull();
            org.assertj.core.api.Assertions.assertThatThrownBy(PackedWeights::open)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("Q8").hasMessageContaining("STORED");
        }
        assertThat(PackedWeights.current()).isNull();
    }
}
