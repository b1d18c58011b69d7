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
        assertThat(JSON.readTree(c.toJson())).isEqualTo(JSON.readTree(QWEN25));
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
        assertThat(JSON.readTree(c.toJson())).isEqualTo(JSON.readTree(llama));
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
}
