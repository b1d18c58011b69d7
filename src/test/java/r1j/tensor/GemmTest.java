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
                    Gemm.gemm(ta, tb, m, n, k, a, 5, lda, b, 4, ldb, c, 7, ldc, acc);
                    Gemm.reference(ta, tb, m, n, k, a, 5, lda, b, 4, ldb, ref, 7, ldc, acc);
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
        int saved = Parallel.setThreads(1);
        try {
            Gemm.matmulNT(m, n, k, a, b, one, false);
        } finally {
            Parallel.setThreads(saved);
        }
        Gemm.matmulNT(m, n, k, a, b, all, false);
        assertThat(all).containsExactly(one);
    }

    @Test
    void zeroReductionLengthClearsOrKeeps() {
        float[] c = {1, 2, 3, 4};
        Gemm.gemm(false, true, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 0, c, 0, 2, true);
        assertThat(c).containsExactly(1, 2, 3, 4);
        Gemm.gemm(false, true, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 0, c, 0, 2, false);
        assertThat(c).containsExactly(0, 0, 0, 0);
    }
}
