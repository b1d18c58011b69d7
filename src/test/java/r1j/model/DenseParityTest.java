package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import r1j.io.Checkpoint;
import r1j.tensor.Tensor;

/**
 * Tiny Qwen3, Llama 3 (rope_scaling llama3, an eos list), Qwen2 and Qwen2 with Qwen's documented YaRN block checkpoints in the Hub layout with the logits of an
 * independent float64 port of transformers' modeling code (scripts/reference_dense.py, which wrote them into
 * src/test/resources/fixtures): r1j loads each strictly and reproduces every position's logits, in one forward and in
 * cached step-by-step decoding.
 */
class DenseParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"qwen3-tiny", "llama3-tiny", "qwen2-tiny", "qwen2-yarn-tiny"})
    void logitsMatchTheReference(String name) throws Exception {
        Path dir = Path.of("src/test/resources/fixtures", name);
        Transformer m = Checkpoint.load(dir, true);
        JsonNode root = new ObjectMapper().readTree(Files.readString(dir.resolve("expected_logits.json")));
        int vocab = m.config().vocab_size();
        for (int s = 0; s < root.get("input_ids").size(); s++) {
            JsonNode row = root.get("input_ids").get(s), ref = root.get("logits").get(s);
            int[] ids = new int[row.size()];
            for (int t = 0; t < ids.length; t++) ids[t] = row.get(t).asInt();
            Tensor full = m.forward(ids, 1, ids.length);
            KvCache cache = m.newCache(ids.length);
            double worst = 0, worstCached = 0;
            for (int t = 0; t < ids.length; t++) {
                Tensor step = m.extend(new KvCache[] {cache}, new int[][] {{ids[t]}});
                for (int v = 0; v < vocab; v++) {
                    double want = ref.get(t).get(v).asDouble();
                    worst = Math.max(worst, Math.abs(full.data[t * vocab + v] - want));
                    worstCached = Math.max(worstCached, Math.abs(step.data[v] - want));
                }
            }
            assertThat(worst).as("%s sequence %d, full forward", name, s).isLessThan(1e-4);
            assertThat(worstCached).as("%s sequence %d, cached decoding", name, s).isLessThan(1e-4);
        }
    }
}
