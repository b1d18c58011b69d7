package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import r1j.nn.CrossEntropy;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;
import r1j.testing.GradCheck;

/** A whole small model: gradients, learning, and bit-identical results for a fixed seed. */
class DenseModelTest {
    private static final DenseConfig NANO = new DenseConfig(37, 32, 64, 2, 4, 2, 1e-5f, 10000.0, 64, false, 0.1f);

    @Test
    void gradientCheckThroughTheWholeStack() {
        DenseModel m = new DenseModel(NANO, 3);
        int[] ids = {1, 5, 9, 2, 30, 7, 7, 0};
        int[] targets = {5, 9, 2, -1, 7, 7, 0, -1};
        List<Tensor> some = List.of(m.parameters().get("model.layers.0.self_attn.q_proj.weight"),
                m.parameters().get("model.layers.1.mlp.down_proj.weight"),
                m.parameters().get("model.layers.0.input_layernorm.weight"),
                m.parameters().get("model.embed_tokens.weight"));
        GradCheck.check(() -> m.loss(ids, targets, 2, 4).loss(), some, 1e-2f, 3e-2, 3e-4);
    }

    @Test
    void learnsARepeatingSequenceAndIsDeterministic() {
        float[] first = train(7);
        float[] second = train(7);
        assertThat(second).containsExactly(first);
    }

    private static float[] train(long seed) {
        DenseModel m = new DenseModel(NANO, seed);
        List<Tensor> params = m.parameterList();
        AdamW opt = new AdamW(params, AdamW.Config.defaults());
        int batch = 4, seq = 16, n = batch * seq;
        SplittableRandom rng = new SplittableRandom(seed);
        float firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < 60; step++) {
            int[] ids = new int[n], targets = new int[n];
            for (int b = 0; b < batch; b++) {
                int start = rng.nextInt(37);
                for (int t = 0; t < seq; t++) ids[b * seq + t] = (start + 3 * t) % 37;
            }
            for (int i = 0; i < n; i++) targets[i] = (i + 1) % seq == 0 ? -1 : ids[i + 1];
            for (Tensor p : params) p.zeroGrad();
            CrossEntropy.Result r = m.loss(ids, targets, batch, seq);
            r.loss().backward();
            AdamW.clipGradNorm(params, 1f);
            opt.step(1e-2f);
            if (step == 0) firstLoss = r.loss().item();
            lastLoss = r.loss().item();
            r.loss().releaseGraph();
        }
        assertThat(firstLoss).isGreaterThan(3f);
        assertThat(lastLoss).as("loss after 60 steps on a +3 mod 37 sequence").isLessThan(0.5f);
        return m.parameters().get("lm_head.weight").data.clone();
    }
}
