package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import r1j.io.Checkpoint;
import r1j.tensor.LowRank;
import r1j.tensor.Tensor;

/**
 * Recomputing each decoder layer in the backward gives the loss and every gradient of the plain graph, bit for bit:
 * a LoRA adapter with dropout on a frozen 16-bit base, and full fine-tuning of every weight.
 */
class GradientCheckpointingTest {
    private static final Path QWEN3 = Path.of("src/test/resources/fixtures/qwen3-tiny");
    private static final int[] IDS = {1, 7, 3, 9, 2, 11, 5, 4, 20, 33, 8, 6};
    private static final int[] TARGETS = {7, 3, 9, 2, 11, 5, 4, 20, 33, 8, 6, -1};

    /** The loss and each trainable tensor's gradient, with or without recomputation. */
    private static float[][] lossAndGrads(Transformer m, boolean recompute) {
        m.setGradientCheckpointing(recompute);
        List<Tensor> params = m.trainable();
        for (Tensor p : params) p.zeroGrad();
        LowRank.seedStep(42);
        Transformer.Loss l = m.loss(IDS, TARGETS, 2, 6, Transformer.LossOptions.NONE);
        l.total().backward();
        float[][] out = new float[params.size() + 1][];
        out[0] = new float[] {l.total().item()};
        for (int i = 0; i < params.size(); i++) out[i + 1] = params.get(i).grad() == null ? new float[0] : params.get(i).grad().clone();
        l.total().releaseGraph();
        return out;
    }

    @Test
    void loraWithDropoutOnAFrozenBase() throws Exception {
        Transformer m = Checkpoint.loadFrozen(QWEN3);
        Lora l = Lora.init(m, new LoraConfig(4, 8, 0.1, List.of("all-linear"), false), 3);
        // B away from zero, so that every path carries a gradient.
        for (var e : l.tensors().entrySet()) if (e.getKey().endsWith("lora_B.weight")) java.util.Arrays.fill(e.getValue().data, 0.01f);
        float[][] plain = lossAndGrads(m, false), recomputed = lossAndGrads(m, true);
        assertThat(recomputed.length).isEqualTo(plain.length).isGreaterThan(10);
        for (int i = 0; i < plain.length; i++) assertThat(recomputed[i]).as("entry %d", i).containsExactly(plain[i]);
    }

    @Test
    void fullFineTuning() throws Exception {
        Transformer m = Checkpoint.load(QWEN3, true);
        float[][] plain = lossAndGrads(m, false), recomputed = lossAndGrads(m, true);
        for (int i = 0; i < plain.length; i++) assertThat(recomputed[i]).as("entry %d", i).containsExactly(plain[i]);
        assertThat(plain[1]).isNotEmpty();
    }
}
