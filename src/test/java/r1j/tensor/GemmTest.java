package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The fast matmul against the double-precision scalar reference, in every layout, with edges and offsets. */
class GemmTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1", "3, 5, 7", "8, 32, 16", "9, 33, 17", "64, 64, 300", "130, 70, 513", "257, 129, 260", "5, 300, 64",
        "2, 2050, 40", "300, 3, 2"})
    void matchesReferenceInEveryLayout(int m, int n, int k) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
                    float[] a = random((ta ? k : m) * lda + 5, 1), b = random((tb ? n : k) * ldb + 4, 2);
                    float[] c = random(m * ldc + 7, 3), ref = c.clone();
                    Gemm.gemm(m, n, k, new Gemm.Operand(a, 5, lda, ta), new Gemm.Operand(b, 4, ldb, tb),
                            Gemm.Operand.of(c, 7, ldc), acc);
                    Gemm.reference(m, n, k, new Gemm.Operand(a, 5, lda, ta), new Gemm.Operand(b, 4, ldb, tb),
                            Gemm.Operand.of(ref, 7, ldc), acc);
                    for (int i = 0; i < c.length; i++) {
                        assertThat(c[i]).as("ta=%s tb=%s acc=%s at %d", ta, tb, acc, i)
                                .isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-4f * (float) Math.sqrt(k) + 1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void sameResultOnOneThreadAndAll() {
        int m = 200, n = 150, k = 700;
        float[] a = random(m * k, 4), b = random(n * k, 5);
        float[] one = new float[m * n], all = new float[m * n];
        Parallel.withThreads(1, () -> Gemm.matmulNT(m, n, k, a, b, one, false));
        Gemm.matmulNT(m, n, k, a, b, all, false);
        assertThat(all).containsExactly(one);
    }

    /**
     * A row's result is the same bits whatever batch it is computed in: alone (an edge tile), in a full 8-row tile, or
     * at any position of a larger batch, in every layout and with packed weights, for K across several 512-wide
     * blocks. The generator relies on it: a sequence samples the same tokens whatever batch it decodes in.
     */
    @ParameterizedTest
    @CsvSource({"1024, 64", "4096, 40", "1000, 33", "896, 200"})
    void rowResultsDoNotDependOnTheBatch(int k, int n) {
        int m = 21;
        float[] a = random(m * k, 6), w = random(n * k, 7), aT = new float[k * m];
        // W is rounded to bfloat16 first, so its 16-bit packing holds exactly W's values.
        Gemm.PackedB half = GemvTest.bf16(w, n, k);
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) aT[p * m + i] = a[i * k + p];
        float[] all = new float[m * n], allHalf = new float[m * n];
        Gemm.matmulNT(m, n, k, a, w, all, false);
        Gemm.gemmPacked(m, Gemm.Operand.of(a, 0, k), half, Gemm.Operand.of(allHalf, 0, n), false);
        assertThat(allHalf).as("bfloat16 weight, the batch").containsExactly(all);
        Gemm.PackedB packed = Gemm.pack(w, n, k);
        for (int first : new int[] {0, 3, 8, 13, 20}) {
            for (int rows : new int[] {1, Math.min(8, m - first)}) {
                float[] part = new float[rows * n], partPacked = new float[rows * n], partT = new float[rows * n];
                Gemm.gemm(rows, n, k, Gemm.Operand.of(a, first * k, k), Gemm.Operand.transposed(w, 0, k),
                        Gemm.Operand.of(part, 0, n), false);
                Gemm.gemmPacked(rows, Gemm.Operand.of(a, first * k, k), packed, Gemm.Operand.of(partPacked, 0, n),
                        false);
                Gemm.gemm(rows, n, k, Gemm.Operand.transposed(aT, first, m), Gemm.Operand.transposed(w, 0, k),
                        Gemm.Operand.of(partT, 0, n), false);
                // Up to 8 rows meet each bfloat16 sliver once: widened in registers instead of into a buffer.
                float[] partHalf = new float[rows * n];
                Gemm.gemmPacked(rows, Gemm.Operand.of(a, first * k, k), half, Gemm.Operand.of(partHalf, 0, n), false);
                float[] expected = java.util.Arrays.copyOfRange(all, first * n, (first + rows) * n);
                assertThat(part).as("rows %d..%d", first, first + rows).containsExactly(expected);
                assertThat(partPacked).as("packed, rows %d..%d", first, first + rows).containsExactly(expected);
                assertThat(partT).as("A transposed, rows %d..%d", first, first + rows).containsExactly(expected);
                assertThat(partHalf).as("bfloat16, rows %d..%d", first, first + rows).containsExactly(expected);
            }
        }
        // Accumulating into C continues the same chain from C's values, in a full tile or an edge one.
        float[] twice = all.clone(), edge = java.util.Arrays.copyOfRange(all, 0, n);
        Gemm.matmulNT(m, n, k, a, w, twice, true);
        Gemm.gemm(1, n, k, Gemm.Operand.of(a, 0, k), Gemm.Operand.transposed(w, 0, k), Gemm.Operand.of(edge, 0, n),
                true);
        assertThat(edge).containsExactly(java.util.Arrays.copyOfRange(twice, 0, n));
    }

    @Test
    void zeroReductionLengthClearsOrKeeps() {
        float[] c = {1, 2, 3, 4};
        Gemm.gemm(2, 2, 0, Gemm.Operand.of(new float[0], 0, 0), Gemm.Operand.transposed(new float[0], 0, 0),
                Gemm.Operand.of(c, 0, 2), true);
        assertThat(c).containsExactly(1, 2, 3, 4);
        Gemm.gemm(2, 2, 0, Gemm.Operand.of(new float[0], 0, 0), Gemm.Operand.transposed(new float[0], 0, 0),
                Gemm.Operand.of(c, 0, 2), false);
        assertThat(c).containsExactly(0, 0, 0, 0);
    }
}
