package r1j.tensor;

import static r1j.testing.GradCheck.check;
import static r1j.testing.GradCheck.randn;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every op's backward in package tensor. */
class OpsGradientTest {
    @Test
    void linear() {
        Tensor x = randn("x", 1, 1f, 5, 7), w = randn("w", 2, 1f, 3, 7);
        check(() -> MatMul.linear(x, w), List.of(x, w));
    }

    @Test
    void linearWithEdgeSizedTiles() {
        // Sizes that are not multiples of the register tile exercise the packed edge paths in both directions.
        Tensor x = randn("x", 3, 1f, 19, 37), w = randn("w", 4, 1f, 45, 37);
        check(() -> MatMul.linear(x, w), List.of(x, w));
    }

    @Test
    void matmul() {
        Tensor a = randn("a", 5, 1f, 6, 4), b = randn("b", 6, 1f, 4, 9);
        check(() -> MatMul.matmul(a, b), List.of(a, b));
    }

    @Test
    void batchedMatmulBothLayouts() {
        Tensor a = randn("a", 7, 1f, 3, 4, 5), b = randn("b", 8, 1f, 3, 5, 6), bt = randn("bt", 9, 1f, 3, 6, 5);
        check(() -> MatMul.bmm(a, b, false), List.of(a, b));
        check(() -> MatMul.bmm(a, bt, true), List.of(a, bt));
    }

    @Test
    void addSubMulWithAndWithoutBroadcast() {
        Tensor a = randn("a", 10, 1f, 4, 6), b = randn("b", 11, 1f, 4, 6), row = randn("row", 12, 1f, 6);
        check(() -> Elementwise.add(a, b), List.of(a, b));
        check(() -> Elementwise.sub(a, b), List.of(a, b));
        check(() -> Elementwise.mul(a, b), List.of(a, b));
        check(() -> Elementwise.add(a, row), List.of(a, row));
        check(() -> Elementwise.sub(a, row), List.of(a, row));
        check(() -> Elementwise.mul(a, row), List.of(a, row));
        check(() -> Elementwise.scale(a, -1.7f), List.of(a));
        check(() -> Elementwise.addScalar(a, 0.3f), List.of(a));
    }

    @Test
    void unaryFunctions() {
        Tensor a = randn("a", 13, 1f, 3, 5);
        Tensor pos = Tensor.param("pos", 3, 5);
        for (int i = 0; i < pos.numel(); i++) pos.data[i] = 0.5f + 0.1f * i;
        check(() -> Elementwise.exp(a), List.of(a));
        check(() -> Elementwise.log(pos), List.of(pos), 1e-3f, 2e-2, 2e-3);
        check(() -> Elementwise.sigmoid(a), List.of(a));
        check(() -> Elementwise.silu(a), List.of(a));
    }

    @Test
    void swiglu() {
        Tensor g = randn("gate", 14, 1.5f, 4, 8), u = randn("up", 15, 1f, 4, 8);
        check(() -> Elementwise.swiglu(g, u), List.of(g, u));
    }

    @Test
    void clampMinMaxAwayFromKinks() {
        Tensor a = Tensor.param("a", 8), b = Tensor.param("b", 8);
        float[] av = {-2f, -0.5f, 0.25f, 0.9f, 1.6f, -1.3f, 0.05f, 2.2f};
        float[] bv = {-1f, 0.5f, -0.25f, 1.4f, 0.6f, -0.3f, 0.55f, 1.2f};
        System.arraycopy(av, 0, a.data, 0, 8);
        System.arraycopy(bv, 0, b.data, 0, 8);
        check(() -> Elementwise.clamp(a, -0.8f, 1.2f), List.of(a), 1e-3f, 1e-3, 1e-4);
        check(() -> Elementwise.minimum(a, b), List.of(a, b), 1e-3f, 1e-3, 1e-4);
        check(() -> Elementwise.maximum(a, b), List.of(a, b), 1e-3f, 1e-3, 1e-4);
    }

    @Test
    void reductions() {
        Tensor a = randn("a", 16, 1f, 3, 7);
        float[] w = new float[21];
        for (int i = 0; i < w.length; i++) w[i] = (i % 3) - 1f;
        check(() -> Reduce.sum(a), List.of(a));
        check(() -> Reduce.mean(a), List.of(a));
        check(() -> Reduce.weightedSum(a, w, 0.5f), List.of(a));
    }

    @Test
    void softmaxLogSoftmaxAndTokenLogProbs() {
        Tensor x = randn("logits", 17, 2f, 5, 11);
        check(() -> Softmax.softmax(x), List.of(x));
        check(() -> Softmax.logSoftmax(x), List.of(x));
        int[] targets = {3, 0, -1, 10, 7};
        check(() -> Softmax.tokenLogProbs(x, targets), List.of(x));
    }

    @Test
    void tokenLogProbsWithVectorWideVocabulary() {
        Tensor x = randn("logits", 18, 2f, 3, 67);
        check(() -> Softmax.tokenLogProbs(x, new int[] {66, 5, 32}), List.of(x));
    }

    @Test
    void rowGatherScatterScaleAndColumnOps() {
        Tensor x = randn("x", 19, 1f, 5, 6), w = randn("w", 20, 1f, 7);
        int[] rows = {4, 0, 4, 2, 1, 0, 3};
        check(() -> Rows.gather(x, rows), List.of(x));
        Tensor src = randn("src", 21, 1f, 7, 6);
        check(() -> Rows.scatterAdd(src, rows, 5), List.of(src));
        check(() -> Rows.scale(src, w), List.of(src, w));
        check(() -> Rows.gatherCols(x, new int[] {5, 1, 0, 0, 3, 2, 4, 4, 1, 5}, 2), List.of(x));
        check(() -> Rows.sliceCols(x, 1, 4), List.of(x));
        Tensor y = randn("y", 22, 1f, 5, 3);
        check(() -> Rows.concatCols(x, y), List.of(x, y));
    }

    @Test
    void reshapeIsAView() {
        Tensor x = randn("x", 23, 1f, 2, 6);
        check(() -> Elementwise.mul(x.reshape(3, 4), x.reshape(3, 4)), List.of(x));
    }

    @Test
    void gradientsAccumulateAcrossMicroBatches() {
        Tensor w = randn("w", 24, 1f, 3, 4), x = randn("x", 25, 1f, 2, 4);
        Reduce.sum(MatMul.linear(x, w)).backward();
        float[] once = w.grad().clone();
        Reduce.sum(MatMul.linear(x, w)).backward();
        // The second product is added into the gradient by continuing its sums (as BLAS does with β = 1), so the result
        // is 2·once up to rounding, not bit for bit.
        for (int i = 0; i < once.length; i++) {
            org.assertj.core.api.Assertions.assertThat(w.grad()[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }
}
