package r1j.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import r1j.model.KvCache;
import r1j.model.ParameterShapes;
import r1j.model.Transformer;
import r1j.tensor.Tensor;

/**
 * A checkpoint stored in bf16/f16 and loaded to be frozen keeps its projection and embedding weights 16-bit (no
 * float32 array behind them) and gives exactly the logits of the same file widened to float32, in a full forward
 * and in cached decoding.
 */
class FrozenLoadTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"BF16", "F16"})
    void frozenSixteenBitWeightsGiveTheFloatLogits(String dtype) throws Exception {
        Transformer src = Checkpoint.load(Path.of("src/test/resources/fixtures/qwen3-tiny"), true);
        Path dir = tmp.resolve(dtype);
        Checkpoint.save(src, dir, DType.valueOf(dtype), Long.MAX_VALUE);
        Transformer widened = Checkpoint.load(dir, true), frozen = Checkpoint.loadFrozen(dir);

        long compact = 0;
        for (var e : frozen.tensors().entrySet()) {
            Tensor t = e.getValue();
            if (ParameterShapes.isCompactable(e.getKey())) {
                assertThat(t.packed()).as(e.getKey()).isNotNull();
                assertThat(t.data).as(e.getKey()).isNull();
                compact++;
            } else {
                assertThat(t.data).as(e.getKey()).isNotNull();
            }
        }
        assertThat(compact).isGreaterThan(5);

        int[] ids = {1, 7, 3, 9, 2, 11, 5};
        int vocab = src.config().vocab_size();
        Tensor a = widened.forward(ids, 1, ids.length), b = frozen.forward(ids, 1, ids.length);
        assertThat(b.data).containsExactly(a.data);
        KvCache ca = widened.newCache(ids.length), cb = frozen.newCache(ids.length);
        for (int id : ids) {
            Tensor sa = widened.extend(new KvCache[] {ca}, new int[][] {{id}});
            Tensor sb = frozen.extend(new KvCache[] {cb}, new int[][] {{id}});
            assertThat(sb.data).hasSize(vocab).containsExactly(sa.data);
        }
    }
}
