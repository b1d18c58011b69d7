package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.tensor.Elementwise;
import r1j.tensor.LowRank;
import r1j.tensor.MatMul;
import r1j.tensor.Tensor;
import r1j.testing.GradCheck;

/**
 * LoRA in PEFT's format on a Hub-layout Qwen3: a new adapter leaves the model as it was, its gradients match finite
 * differences, the files carry PEFT's names and keys, switching it off gives the base, and a merged checkpoint gives
 * the adapted model's logits.
 */
class LoraTest {
    private static final Path QWEN3 = Path.of("src/test/resources/fixtures/qwen3-tiny");
    private static final int[] IDS = {1, 7, 3, 9, 2, 11, 5};

    @TempDir
    Path tmp;

    private static LoraConfig config() {
        return new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj", "down_proj"), false);
    }

    /** B drawn at random, so the adapter changes the model. */
    private static void randomise(Lora l) {
        SplittableRandom r = new SplittableRandom(3);
        for (var e : l.tensors().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) for (int i = 0; i < e.getValue().data.length; i++) e.getValue().data[i] = (float) (r.nextGaussian() * 0.05);
        }
    }

    @Test
    void aNewAdapterStartsAsTheBaseAndOffIsTheBase() throws Exception {
        Transformer m = Checkpoint.loadFrozen(QWEN3);
        float[] base = m.forward(IDS, 1, IDS.length).data.clone();
        Lora l = Lora.init(m, config(), 1);
        assertThat(m.trainable()).containsExactlyElementsOf(l.trainable());
        assertThat(l.trainable()).hasSize(2 * 3 * m.config().num_hidden_layers());
        assertThat(m.forward(IDS, 1, IDS.length).data).as("B = 0: the adapted model is the base").containsExactly(base);
        randomise(l);
        assertThat(m.forward(IDS, 1, IDS.length).data).isNotEqualTo(base);
        try (var off = LowRank.disabled()) {
            assertThat(m.forward(IDS, 1, IDS.length).data).as("adapters off").containsExactly(base);
        }
    }

    @Test
    void gradientsOfAAndBMatchFiniteDifferences() {
        Tensor w = Tensor.of(GradCheck.randn("w", 1, 0.5f, 6, 5).data, 6, 5);
        Tensor a = GradCheck.randn("A", 2, 0.5f, 3, 5), b = GradCheck.randn("B", 3, 0.5f, 6, 3);
        Tensor x = GradCheck.randn("x", 4, 1f, 4, 5);
        w.attach(new LowRank(a, b, 2f, 0f, 0));
        GradCheck.check(() -> MatMul.linear(x, w), List.of(a, b, x));
        // y = x·Wᵀ + 2·(x·Aᵀ)·Bᵀ, checked against the plain products.
        w.attach(null);
        Tensor plain = Elementwise.add(MatMul.linear(x, w), Elementwise.scale(MatMul.linear(MatMul.linear(x, a), b), 2f));
        w.attach(new LowRank(a, b, 2f, 0f, 0));
        assertThat(MatMul.linear(x, w).data).containsExactly(plain.data);
    }

    @Test
    void filesArePeftsAndLoadBack() throws Exception {
        Transformer m = Checkpoint.loadFrozen(QWEN3);
        Lora l = Lora.init(m, config(), 1);
        randomise(l);
        Path dir = tmp.resolve("adapter");
        l.save(dir, "Qwen/Qwen3-0.6B");
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(cfg.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(cfg.get("r").asInt()).isEqualTo(4);
        assertThat(cfg.get("lora_alpha").asDouble()).isEqualTo(8);
        assertThat(cfg.get("base_model_name_or_path").asText()).isEqualTo("Qwen/Qwen3-0.6B");
        assertThat(cfg.get("target_modules")).hasSize(3);
        try (SafeTensors st = SafeTensors.open(dir.resolve("adapter_model.safetensors"))) {
            assertThat(st.entries()).containsKeys("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                    "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
            assertThat(st.entries().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape())
                    .containsExactly(4, m.config().hidden_size());
        }
        float[] adapted = m.forward(IDS, 1, IDS.length).data.clone();
        Transformer again = Checkpoint.loadFrozen(QWEN3);
        Lora.load(dir, again);
        assertThat(again.forward(IDS, 1, IDS.length).data).containsExactly(adapted);

        // Folded into the base: the same logits, up to float32 rounding of W + s·B·A.
        Path merged = tmp.resolve("merged");
        Checkpoint.mergeLora(QWEN3, dir, merged);
        float[] got = Checkpoint.load(merged, true).forward(IDS, 1, IDS.length).data;
        double worst = 0;
        for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - adapted[i]));
        assertThat(worst).isLessThan(1e-4).isGreaterThan(0);
        assertThat(new ObjectMapper().readTree(merged.resolve("config.json").toFile()).get("torch_dtype").asText()).isEqualTo("float32");

        // A 16-bit base merges into a 16-bit checkpoint.
        Path bf = tmp.resolve("bf16");
        Checkpoint.save(Checkpoint.load(QWEN3, true), bf, DType.BF16, Long.MAX_VALUE);
        Checkpoint.mergeLora(bf, dir, tmp.resolve("merged16"));
        try (SafeTensors st = SafeTensors.open(tmp.resolve("merged16/model.safetensors"))) {
            assertThat(st.entries().get("model.layers.0.self_attn.q_proj.weight").dtype()).isEqualTo(DType.BF16);
        }
    }

    @Test
    void badAdaptersAreRefusedInOneLine() throws Exception {
        Transformer m = Checkpoint.loadFrozen(QWEN3);
        assertThatThrownBy(() -> Lora.init(m, new LoraConfig(4, 8, 0, List.of("c_attn"), false), 1))
                .hasMessageContaining("target_modules [c_attn] match no weight of this qwen3 model");
        assertThatThrownBy(() -> new LoraConfig(0, 8, 0, List.of("q_proj"), false)).hasMessageContaining("rank r must be ≥ 1");
        java.nio.file.Files.createDirectories(tmp.resolve("dora"));
        java.nio.file.Files.writeString(tmp.resolve("dora/adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 4, \"use_dora\": true, \"target_modules\": [\"q_proj\"]}");
        assertThatThrownBy(() -> Lora.load(tmp.resolve("dora"), m)).hasMessageContaining("use_dora (DoRA) is not supported");
        assertThat(new LoraConfig(4, 8, 0, List.of("all-linear"), false).targets("model.layers.0.self_attn.kv_b_proj.weight")).isFalse();
        assertThat(new LoraConfig(4, 8, 0, List.of("all-linear"), false).targets("lm_head.weight")).isFalse();
        assertThat(new LoraConfig(4, 8, 0, List.of("q_proj"), true).scale()).isEqualTo(4f);
    }
}
