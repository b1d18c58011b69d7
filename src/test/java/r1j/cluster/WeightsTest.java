package r1j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import r1j.model.LoraConfig;
import r1j.model.Presets;
import r1j.model.Transformer;

/** What a weight sync sends: the whole trained model, or only the adapter (and router biases) when training LoRA. */
class WeightsTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    @Test
    void fullFineTuningSendsEveryTrainedTensorAndLoraOnlyItsAdapter() throws Exception {
        Transformer full = Transformer.init(Presets.get("nano"), 3);
        Weights w = Weights.of(full);
        long params = full.trainable().stream().mapToLong(t -> t.data.length).sum();
        assertThat(w.bytes()).isGreaterThanOrEqualTo(4 * params);
        assertThat(List.of(w.names())).anyMatch(n -> n.endsWith("e_score_correction_bias"));

        // A LoRA run's policy as trainer and workers build it: the frozen base with an adapter.
        r1j.io.Checkpoint.save(full, tmp, r1j.io.DType.BF16, Long.MAX_VALUE);
        LoraConfig lora = new LoraConfig(4, 8, 0, List.of("q_proj", "o_proj"), false);
        Transformer adapted = ModelSpec.policy(tmp.toString(), lora, 5).build();
        Weights delta = Weights.of(adapted);
        assertThat(List.of(delta.names())).allMatch(n -> n.contains("lora_") || n.endsWith("e_score_correction_bias"));
        assertThat(List.of(delta.names())).anyMatch(n -> n.contains("lora_A")).anyMatch(n -> n.contains("lora_B"));
        assertThat(delta.bytes()).isLessThan(w.bytes() / 4);

        // Received by a worker's model of the same shape, the values land in the same-named tensors.
        Transformer worker = ModelSpec.policy(tmp.toString(), lora, 6).build();
        for (float[] v : Weights.of(adapted).values()) java.util.Arrays.fill(v, 0.25f);
        delta.into(worker);
        assertThat(Weights.of(worker).values()).isDeepEqualTo(delta.values());
    }
}
