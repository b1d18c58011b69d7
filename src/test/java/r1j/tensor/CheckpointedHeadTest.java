package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import r1j.io.DType;
import r1j.testing.GradCheck;

/**
 * The checkpointed LM head (chunks of rows, logits recomputed in the backward) gives exactly the values and
 * gradients of the head as a linear layer followed by the token log-softmax, for a trainable and a frozen 16-bit head.
 */
class CheckpointedHeadTest {
    private static final int N = 37, D = 24, V = 50;
    private static final int[] TARGETS = new SplittableRandom(3).ints(N, -1, V).toArray();

    @Test
    void chunksGiveTheUnchunkedValuesAndGradients() {
        for (int chunk : new int[] {1, 8, 37, 100}) {
            Tensor h1 = GradCheck.randn("h", 1, 1f, N, D), w1 = GradCheck.randn("w", 2, 0.3f, V, D);
            Tensor h2 = GradCheck.randn("h", 1, 1f, N, D), w2 = GradCheck.randn("w", 2, 0.3f, V, D);
            Tensor a = Softmax.tokenLogProbs(MatMul.linear(h1, w1), TARGETS);
            Tensor b = Softmax.headTokenLogProbs(h2, w2, TARGETS, chunk);
            assertThat(b.data).as("chunk %d", chunk).containsExactly(a.data);
            float[] seed = GradCheck.randn("s", 4, 1f, N).data;
            a.backward(seed);
            b.backward(seed);
            assertThat(h2.grad()).as("dh, chunk %d", chunk).containsExactly(h1.grad());
            assertThat(w2.grad()).as("dW, chunk %d", chunk).containsExactly(w1.grad());
        }
        Tensor h = GradCheck.randn("h", 5, 1f, 6, D), w = GradCheck.randn("w", 6, 0.3f, V, D);
        GradCheck.check(() -> Softmax.headTokenLogProbs(h, w, new int[] {3, -1, 7, 49, 0, 12}, 4), List.of(h, w));
    }

    @Test
    void aFrozenSixteenBitHeadToo() {
        SplittableRandom r = new SplittableRandom(9);
        ByteBuffer buf = ByteBuffer.allocate(2 * V * D).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[V * D];
        for (int i = 0; i < values.length; i++) {
            short s = DType.toBf16((float) (r.nextGaussian() * 0.3));
            values[i] = DType.fromBf16(s);
            buf.putShort(s);
        }
        Tensor frozen = Tensor.frozen("w", Gemm.pack16(MemorySegment.ofArray(buf.array()), 0, false, V, D));
        Tensor plain = Tensor.of(values, V, D);
        Tensor h1 = GradCheck.randn("h", 1, 1f, N, D), h2 = GradCheck.randn("h", 1, 1f, N, D);
        Tensor a = Softmax.tokenLogProbs(MatMul.linear(h1, plain), TARGETS), b = Softmax.headTokenLogProbs(h2, frozen, TARGETS, 5);
        assertThat(b.data).containsExactly(a.data);
        float[] seed = GradCheck.randn("s", 4, 1f, N).data;
        a.backward(seed);
        b.backward(seed);
        assertThat(h2.grad()).containsExactly(h1.grad());
    }
}
