package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** The vector loops against plain scalar loops, at lengths around the vector width. */
class KernelsTest {
    @Test
    void vectorLoopsMatchScalar() {
        for (int n = 0; n < 70; n++) {
            float[] a = new float[n + 3], b = new float[n + 5];
            for (int i = 0; i < a.length; i++) a[i] = (float) Math.sin(i * 1.3);
            for (int i = 0; i < b.length; i++) b[i] = (float) Math.cos(i * 0.7);
            double dot = 0, sum = 0, sq = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                dot += a[i + 3] * b[i + 5];
                sum += a[i + 3];
                sq += a[i + 3] * a[i + 3];
                max = Math.max(max, a[i + 3]);
            }
            assertThat(Kernels.dot(a, 3, b, 5, n)).isCloseTo((float) dot, offset(1e-4f));
            assertThat(Kernels.sum(a, 3, n)).isCloseTo((float) sum, offset(1e-4f));
            assertThat(Kernels.sumSquares(a, 3, n)).isCloseTo((float) sq, offset(1e-4f));
            assertThat(Kernels.max(a, 3, n)).isEqualTo(max);
            float[] y = b.clone();
            Kernels.axpy(0.5f, a, 3, y, 5, n);
            for (int i = 0; i < n; i++) assertThat(y[i + 5]).isCloseTo(b[i + 5] + 0.5f * a[i + 3], offset(1e-6f));
            Kernels.scale(2f, y, 5, n);
            for (int i = 0; i < n; i++) assertThat(y[i + 5]).isCloseTo(2 * (b[i + 5] + 0.5f * a[i + 3]), offset(1e-6f));
        }
    }

    @Test
    void logSumExpIsStable() {
        float[] x = {1000f, 1000f, 1000f, 1000f};
        assertThat(Softmax.logSumExp(x, 0, 4)).isCloseTo(1000f + (float) Math.log(4), offset(1e-3f));
    }

    @Test
    void expMatchesMathExpAndItsScalarTwinBitForBit() {
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = -90f + 180f * i / (x.length - 1);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += Kernels.L) {
            Kernels.exp(jdk.incubator.vector.FloatVector.fromArray(Kernels.S, x, i)).intoArray(y, i);
        }
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToIntBits(y[i])).as("vector vs scalar at %f", x[i]).isEqualTo(Float.floatToIntBits(Kernels.exp(x[i])));
            double ref = x[i] < -87.3f ? 0 : Math.exp(Math.min(x[i], 88.3f));
            assertThat((double) y[i]).as("exp(%f)", x[i]).isCloseTo(ref, offset(Math.abs(ref) * 3e-7 + 1e-37));
        }
    }

    @Test
    void sumLanesIsTheSumOfTheLanes() {
        float[] x = new float[Kernels.L];
        double ref = 0;
        for (int i = 0; i < x.length; i++) ref += x[i] = 0.1f * i - 0.37f;
        float s = Kernels.sumLanes(jdk.incubator.vector.FloatVector.fromArray(Kernels.S, x, 0));
        assertThat(s).isCloseTo((float) ref, offset(1e-5f));
    }
}
