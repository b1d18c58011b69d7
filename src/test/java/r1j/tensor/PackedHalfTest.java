package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import r1j.io.DType;

/**
 * A 16-bit weight packed for the kernel (never widened as a whole) gives bit for bit what the float32 kernel gives
 * on its widened values, as x·Wᵀ and as dY·W, across KC blocks and edge tiles.
 */
class PackedHalfTest {
    private static final int N = 37, K = 1100, M = 13;

    /** W's 16-bit bits in a little-endian segment, and its exact float32 values. */
    private record Half(MemorySegment seg, float[] values) {}

    private static Half half(boolean f16, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(2 * N * K).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[N * K];
        for (int i = 0; i < v.length; i++) {
            float x = (float) r.nextGaussian();
            short h = f16 ? Float.floatToFloat16(x) : DType.toBf16(x);
            v[i] = f16 ? Float.float16ToFloat(h) : DType.fromBf16(h);
            buf.putShort(h);
        }
        return new Half(MemorySegment.ofArray(buf.array()), v);
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void packedHalfEqualsTheFloatKernelOnItsValues(boolean f16) {
        Half w = half(f16, 1);
        Gemm.PackedB p = Gemm.pack16(w.seg(), 0, f16, N, K);
        assertThat(p.toFloat()).containsExactly(w.values());
        assertThat(p.bytes()).isLessThan(4L * N * K);

        for (int m : new int[] {1, M, 64}) {
            float[] x = random(m * K, 2);
            float[] want = new float[m * N], got = new float[m * N];
            Gemm.gemm(m, N, K, Gemm.Operand.of(x, 0, K), Gemm.Operand.transposed(w.values(), 0, K),
                    Gemm.Operand.of(want, 0, N), false);
            Gemm.gemmPacked(m, Gemm.Operand.of(x, 0, K), p, Gemm.Operand.of(got, 0, N), false);
            assertThat(got).as("x·Wᵀ, M=%d", m).containsExactly(want);

            float[] dy = random(m * N, 3);
            float[] dxWant = random(m * K, 4), dxGot = dxWant.clone();
            Gemm.gemm(m, K, N, Gemm.Operand.of(dy, 0, N), Gemm.Operand.of(w.values(), 0, K),
                    Gemm.Operand.of(dxWant, 0, K), true);
            Gemm.gemmPackedNN(m, Gemm.Operand.of(dy, 0, N), p, Gemm.Operand.of(dxGot, 0, K), true);
            assertThat(dxGot).as("dY·W accumulated, M=%d", m).containsExactly(dxWant);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFrozenLinearLayerPassesTheInputGradient(boolean f16) {
        Half w = half(f16, 5);
        Tensor frozen = Tensor.frozen("w", Gemm.pack16(w.seg(), 0, f16, N, K));
        Tensor plain = Tensor.of(w.values(), N, K);
        float[] xs = random(M * K, 6), seed = random(M * N, 7);
        Tensor x1 = Tensor.param("x", xs.clone(), M, K), x2 = Tensor.param("x", xs.clone(), M, K);
        Tensor y1 = MatMul.linear(x1, frozen), y2 = MatMul.linear(x2, plain);
        assertThat(y1.data).containsExactly(y2.data);
        y1.backward(seed);
        y2.backward(seed);
        assertThat(x1.grad()).containsExactly(x2.grad());
        assertThat(frozen.requiresGrad()).isFalse();
        assertThat(frozen.data).isNull();
    }
}
