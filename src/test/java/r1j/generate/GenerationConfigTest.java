package r1j.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generation_config.json as the Hub's checkpoints write it: eos as one id or a list, sampling defaults, bad types named. */
class GenerationConfigTest {
    @TempDir
    Path dir;

    @Test
    void qwenInstructStyleConfig() throws Exception {
        Files.writeString(dir.resolve("generation_config.json"), """
                {"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
                 "repetition_penalty": 1.1, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "transformers_version": "4.37.0"}
                """);
        GenerationConfig g = GenerationConfig.read(dir);
        assertThat(g.eosTokenIds()).containsExactly(151645, 151643);
        assertThat(g.temperature()).isEqualTo(0.7);
        assertThat(g.topP()).isEqualTo(0.8);
        assertThat(g.topK()).isEqualTo(20);
        assertThat(g.repetitionPenalty()).isEqualTo(1.1);
        assertThat(g.doSample()).isTrue();
    }

    @Test
    void missingFileAndFieldsAreNull() throws Exception {
        GenerationConfig none = GenerationConfig.read(dir);
        assertThat(none.eosTokenIds()).isEmpty();
        assertThat(none.temperature()).isNull();
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 2}");
        assertThat(GenerationConfig.read(dir).eosTokenIds()).containsExactly(2);
    }

    @Test
    void wrongTypesAreNamed() throws Exception {
        Files.writeString(dir.resolve("generation_config.json"), "{\"temperature\": \"hot\"}");
        assertThatThrownBy(() -> GenerationConfig.read(dir)).hasMessageContaining("generation_config.json: temperature must be a number");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": \"</s>\"}");
        assertThatThrownBy(() -> GenerationConfig.read(dir)).hasMessageContaining("eos_token_id must be an integer or a list");
    }
}
