package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.io.Checkpoint;
import r1j.io.DType;

/**
 * config.json as the Hub writes it, read as tolerantly as transformers does: unknown keys kept and written back, an
 * eos list, absent optional keys at transformers' defaults (and written back absent), the sliding window refused in one
 * line, and torch_dtype stating the stored dtype.
 */
class HubConfigTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Qwen2.5-0.5B-Instruct's config.json, key for key. */
    static final String QWEN25 = """
            {
              "architectures": ["Qwen2ForCausalLM"],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151645,
              "hidden_act": "silu",
              "hidden_size": 896,
              "initializer_range": 0.02,
              "intermediate_size": 4864,
              "max_position_embeddings": 32768,
              "max_window_layers": 21,
              "model_type": "qwen2",
              "num_attention_heads": 14,
              "num_hidden_layers": 24,
              "num_key_value_heads": 2,
              "rms_norm_eps": 1e-06,
              "rope_theta": 1000000.0,
              "sliding_window": 32768,
              "tie_word_embeddings": true,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.43.1",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """;

    /** The same keys with the same values (a number equal as a number: 1000000 and 1000000.0 are one value). */
    private static void assertSameKeysAndValues(String written, String input) throws Exception {
        JsonNode w = JSON.readTree(written), in = JSON.readTree(input);
        java.util.List<String> wk = new java.util.ArrayList<>(), ik = new java.util.ArrayList<>();
        w.fieldNames().forEachRemaining(wk::add);
        in.fieldNames().forEachRemaining(ik::add);
        assertThat(wk).containsExactlyInAnyOrderElementsOf(ik);
        for (String k : ik) {
            JsonNode a = w.get(k), b = in.get(k);
            if (a.isNumber() && b.isNumber()) assertThat(a.asDouble()).as(k).isEqualTo(b.asDouble());
            else assertThat(a).as(k).isEqualTo(b);
        }
    }

    private ModelConfig read(String text) throws Exception {
        Path f = tmp.resolve("config.json");
        Files.writeString(f, text);
        return ModelConfig.read(f);
    }

    @Test
    void aQwen2ConfigRoundTripsEveryKey() throws Exception {
        ModelConfig c = read(QWEN25);
        assertThat(c.num_key_value_heads()).isEqualTo(2);
        assertThat(c.tie_word_embeddings()).isTrue();
        assertThat(c.rope_theta()).isEqualTo(1e6);
        assertSameKeysAndValues(c.toJson(), QWEN25);
    }

    @Test
    void aSlidingWindowShorterThanTheContextIsRefusedInOneLine() {
        String on = QWEN25.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true").replace("\"sliding_window\": 32768",
                "\"sliding_window\": 4096");
        assertThatThrownBy(() -> read(on)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sliding_window 4096 with use_sliding_window true is not supported");
        // A window as long as the context changes nothing: accepted.
        String whole = QWEN25.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> read(whole))).isNull();
    }

    @Test
    void anEosListAndAbsentOptionalKeysAsTransformersReadThem() throws Exception {
        // A Llama config with Llama 3's eos list and without the keys LlamaConfig defaults (tie_word_embeddings,
        // num_key_value_heads, rms_norm_eps, rope_theta, max_position_embeddings, hidden_act).
        String llama = """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256, "hidden_size": 64,
                 "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "bos_token_id": 128000,
                 "eos_token_id": [128001, 128008, 128009], "pretraining_tp": 1}
                """;
        ModelConfig c = read(llama);
        assertThat(c.eos_token_id()).isEqualTo(128001);
        assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
        assertThat(c.tie_word_embeddings()).isFalse();
        assertThat(c.num_key_value_heads()).isEqualTo(4);
        assertThat(c.rms_norm_eps()).isEqualTo(1e-6);
        assertThat(c.rope_theta()).isEqualTo(10000.0);
        assertThat(c.max_position_embeddings()).isEqualTo(2048);
        // Written back with the input's keys: the defaults stay implicit, the list and the unknown key stay.
        assertSameKeysAndValues(c.toJson(), llama);
        // A key set explicitly is written even where it equals the default.
        assertThat(JSON.readTree(c.withVocabSize(300).toJson()).get("vocab_size").asInt()).isEqualTo(300);
    }

    @Test
    void aSavedCheckpointStatesItsDtypeAndNoInventedKeys() throws Exception {
        ModelConfig c = Presets.get("nano").withVocabSize(64);
        Checkpoint.save(Transformer.init(c, 1), tmp.resolve("bf16"), DType.BF16, Long.MAX_VALUE);
        JsonNode written = JSON.readTree(tmp.resolve("bf16/config.json").toFile());
        assertThat(written.get("torch_dtype").asText()).isEqualTo("bfloat16");
        assertThat(written.has("deepseek")).isFalse();
        assertThat(written.has("extras")).isFalse();
        assertThat(Checkpoint.load(tmp.resolve("bf16"), true).config().torch_dtype()).isEqualTo("bfloat16");
    }

    /**
     * Llama 3.1's and 3.2's rope_scaling (type llama3) give transformers' frequencies: the values below come from a
     * direct port of _compute_llama3_parameters in double (theta 500000, original context 8192, low/high 1/4; head
     * dimension 128 with factor 8, and 64 with factor 32). Linear scaling divides every frequency by its factor.
     */
    @Test
    void llama3AndLinearRopeScalingAsTransformersComputesThem() throws Exception {
        String llama31 = """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256, "hidden_size": 256,
                 "intermediate_size": 512, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1,
                 "max_position_embeddings": 131072, "rope_theta": 500000.0, "rms_norm_eps": 1e-05,
                 "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                 "eos_token_id": [128001, 128008, 128009], "bos_token_id": 128000, "tie_word_embeddings": false}
                """;
        ModelConfig c = read(llama31);
        assertSameKeysAndValues(c.toJson(), llama31);
        double[] f = RopeFrequencies.table(c).inverseFrequencies();
        assertThat(f).hasSize(64);
        int[] at = {0, 20, 24, 28, 32, 40, 63};
        double[] want = {1.0, 0.016560440080994446, 0.0072926647372171085, 0.0032114459947525913, 0.0005248461609929547,
            3.428102195952591e-05, 3.068925988914511e-07};
        for (int k = 0; k < at.length; k++) assertThat(f[at[k]]).as("pair %d", at[k]).isCloseTo(want[k], org.assertj.core.data.Percentage.withPercentage(1e-9));

        ModelConfig c32 = read(llama31.replace("\"hidden_size\": 256", "\"hidden_size\": 128").replace("\"factor\": 8.0", "\"factor\": 32.0"));
        double[] g = RopeFrequencies.table(c32).inverseFrequencies();
        int[] at32 = {0, 10, 12, 14, 16, 31};
        double[] want32 = {1.0, 0.016560440080994446, 0.0072926647372171085, 0.0032114459947525913, 0.00042955679655936815,
            9.418306725434909e-08};
        for (int k = 0; k < at32.length; k++) assertThat(g[at32[k]]).as("pair %d", at32[k]).isCloseTo(want32[k], org.assertj.core.data.Percentage.withPercentage(1e-9));

        ModelConfig linear = read(llama31.replace("\"rope_type\": \"llama3\"", "\"rope_type\": \"linear\""));
        double[] plain = r1j.nn.RopeTable.standard(128, 500000.0).inverseFrequencies(), lin = RopeFrequencies.table(linear).inverseFrequencies();
        for (int i = 0; i < plain.length; i++) assertThat(lin[i]).isCloseTo(plain[i] / 8, org.assertj.core.data.Percentage.withPercentage(1e-9));

        assertThatThrownBy(() -> read(llama31.replace("\"high_freq_factor\": 4.0", "\"high_freq_factor\": 0.5")))
                .hasMessageContaining("rope_scaling llama3 needs 0 < low_freq_factor < high_freq_factor");
        assertThatThrownBy(() -> read(llama31.replace("\"rope_type\": \"llama3\"", "\"rope_type\": \"longrope\"")))
                .hasMessageContaining("rope_scaling type 'longrope' is not supported");
    }

    /** Qwen3-0.6B's config.json, key for key (nulls included): read, and written back unchanged. */
    @Test
    void aQwen3ConfigRoundTripsEveryKeyWithItsNulls() throws Exception {
        String qwen3 = """
                {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 151643,
                 "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu", "hidden_size": 1024, "initializer_range": 0.02,
                 "intermediate_size": 3072, "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
                 "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
                 "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true,
                 "torch_dtype": "bfloat16", "transformers_version": "4.51.0", "use_cache": true, "use_sliding_window": false,
                 "vocab_size": 151936}
                """;
        ModelConfig c = read(qwen3);
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.denseHeadDim()).isEqualTo(128);
        assertThat(c.qkvBias()).isFalse();
        assertThat(ParameterShapes.of(c)).containsKey("model.layers.0.self_attn.q_norm.weight");
        assertSameKeysAndValues(c.toJson(), qwen3);
    }

    /** transformers v5's rope_parameters give rope_theta and the scaling, and are written back as they came. */
    @Test
    void transformersV5RopeParameters() throws Exception {
        String v5 = """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 64, "hidden_size": 32,
                 "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "head_dim": 8, "max_position_embeddings": 131072, "rms_norm_eps": 1e-6, "bos_token_id": 0, "eos_token_id": [1, 2, 3],
                 "tie_word_embeddings": false,
                 "rope_parameters": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                     "original_max_position_embeddings": 8192, "rope_theta": 500000.0, "rope_type": "llama3"}}
                """;
        ModelConfig c = read(v5);
        assertThat(c.rope_theta()).isEqualTo(500000.0);
        assertThat(c.rope_scaling().kind()).isEqualTo("llama3");
        assertSameKeysAndValues(c.toJson(), v5);
        // The same frequencies as the v4 form of the same model (the llama3-tiny fixture).
        ModelConfig v4 = ModelConfig.read(Path.of("src/test/resources/fixtures/llama3-tiny/config.json"));
        assertThat(RopeFrequencies.table(c).inverseFrequencies()).containsExactly(RopeFrequencies.table(v4).inverseFrequencies());
    }

    /** Dynamic NTK scaling is plain RoPE within max_position_embeddings; a position past it is refused in one line. */
    @Test
    void dynamicRopeScalingWithinTheContextAndRefusedPastIt() throws Exception {
        String dyn = Files.readString(Path.of("src/test/resources/fixtures/qwen2-tiny/config.json"))
                .replace("\"max_position_embeddings\": 512", "\"max_position_embeddings\": 8")
                .replace("\"rope_theta\": 10000.0", "\"rope_theta\": 10000.0, \"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}");
        ModelConfig c = read(dyn);
        assertThat(RopeFrequencies.table(c).inverseFrequencies()).containsExactly(r1j.nn.RopeTable.standard(8, 10000.0).inverseFrequencies());
        Transformer m = Transformer.init(c, 1);
        assertThat(m.forward(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 8).numel()).isEqualTo(8 * 64);
        assertThatThrownBy(() -> m.forward(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 9))
                .hasMessageContaining("position 8 is past max_position_embeddings 8");
    }
}
