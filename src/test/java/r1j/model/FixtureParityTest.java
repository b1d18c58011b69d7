package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import r1j.io.Checkpoint;
import r1j.tensor.Tensor;

/**
 * ../shared/fixtures/deepseek-v3-tiny: a V3 checkpoint with the logits of DeepSeek's official inference code.
 * r1j must reproduce them through the naive path, the absorbed (latent-cache) path, and cached decoding.
 */
class FixtureParityTest {
    static final Path DIR = r1j.testing.Fixtures.dir("deepseek-v3-tiny");
    static Transformer model;
    static int[][] ids;
    static float[][][] expected;

    @BeforeAll
    static void load() throws Exception {
        model = Checkpoint.load(DIR, true);
        JsonNode root = new ObjectMapper().readTree(Files.readString(DIR.resolve("expected_logits.json")));
        int n = root.get("input_ids").size();
        ids = new int[n][];
        expected = new float[n][][];
        for (int s = 0; s < n; s++) {
            JsonNode row = root.get("input_ids").get(s);
            ids[s] = new int[row.size()];
            for (int t = 0; t < row.size(); t++) ids[s][t] = row.get(t).asInt();
            JsonNode lg = root.get("logits").get(s);
            expected[s] = new float[lg.size()][];
            for (int t = 0; t < lg.size(); t++) {
                expected[s][t] = new float[lg.get(t).size()];
                for (int v = 0; v < expected[s][t].length; v++) expected[s][t][v] = (float) lg.get(t).get(v).asDouble();
            }
        }
    }

    private static double maxDiff(float[] logits, int row, float[] ref) {
        double m = 0;
        for (int v = 0; v < ref.length; v++) m = Math.max(m, Math.abs(logits[row * ref.length + v] - ref[v]));
        return m;
    }

    @Test
    void naiveFullSequenceMatchesOfficialLogits() {
        int t = ids[0].length;
        int[] flat = new int[ids.length * t];
        for (int s = 0; s < ids.length; s++) System.arraycopy(ids[s], 0, flat, s * t, t);
        Tensor logits = model.forward(flat, ids.length, t);
        for (int s = 0; s < ids.length; s++) {
            for (int p = 0; p < t; p++) {
                assertThat(maxDiff(logits.data, s * t + p, expected[s][p])).as("seq %d pos %d", s, p).isLessThan(1e-4);
            }
        }
    }

    @Test
    void absorbedPathMatchesOfficialLogits() {
        for (int s = 0; s < ids.length; s++) {
            KvCache cache = model.newCache(4);
            Tensor logits = model.extend(new KvCache[] {cache}, new int[][] {ids[s]});
            for (int p = 0; p < ids[s].length; p++) {
                assertThat(maxDiff(logits.data, p, expected[s][p])).as("seq %d pos %d", s, p).isLessThan(1e-4);
            }
            assertThat(cache.length()).isEqualTo(ids[s].length);
        }
    }

    @Test
    void cachedStepByStepDecodingMatchesOfficialLogits() {
        KvCache[] caches = {model.newCache(1), model.newCache(1)};
        for (int p = 0; p < ids[0].length; p++) {
            // Both sequences advance together, one token each: a batched decode step.
            Tensor logits = model.extend(caches, new int[][] {{ids[0][p]}, {ids[1][p]}});
            for (int s = 0; s < 2; s++) {
                assertThat(maxDiff(logits.data, s, expected[s][p])).as("seq %d pos %d", s, p).isLessThan(1e-4);
            }
        }
    }

    @Test
    void latentCacheHoldsOnlyLatentAndRopeKey() {
        // (kv_lora_rank 32 + qk_rope_head_dim 8) floats × 3 layers × 4 bytes
        assertThat(model.newCache(1).bytesPerToken()).isEqualTo((32 + 8) * 3 * 4);
    }
}
