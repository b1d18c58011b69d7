package r1j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.model.ModelConfig;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tensor.Tensor;

/** Save and load, conversions, and one clear message for each way a checkpoint can be broken. */
class CheckpointTest {
    @TempDir
    Path tmp;

    static final ModelConfig NANO = Presets.get("nano").withMtp(1);

    @Test
    void saveLoadIsBitExactInOneFileAndInShards() throws IOException {
        Transformer m = Transformer.init(NANO, 4);
        m.tensors().get("model.layers.1.mlp.gate.e_score_correction_bias").data[3] = 0.125f;
        Checkpoint.save(m, tmp.resolve("one"), DType.F32, Long.MAX_VALUE);
        Checkpoint.save(m, tmp.resolve("sharded"), DType.F32, 40_000);
        assertThat(tmp.resolve("sharded/model.safetensors.index.json")).exists();
        assertThat(tmp.resolve("sharded/model-00001-of-00009.safetensors")).exists();
        for (String dir : new String[] {"one", "sharded"}) {
            Transformer back = Checkpoint.load(tmp.resolve(dir), true);
            assertThat(back.config()).isEqualTo(m.config());
            for (var e : m.tensors().entrySet()) {
                assertThat(back.tensors().get(e.getKey()).data).as(dir + " " + e.getKey()).containsExactly(e.getValue().data);
            }
        }
        // MTP modules store copies of the shared embedding and head under their own names (docs/deepseek-v3.md §2.5).
        try (SafeTensors st = SafeTensors.open(tmp.resolve("one/model.safetensors"))) {
            assertThat(st.entries()).containsKeys("model.layers.2.embed_tokens.weight", "model.layers.2.shared_head.head.weight");
            assertThat(st.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void bf16CheckpointRoundsToNearestEvenAndKeepsTheRouterBiasInF32() throws IOException {
        Transformer m = Transformer.init(Presets.get("nano"), 4);
        m.tensors().get("model.layers.1.mlp.gate.e_score_correction_bias").data[0] = 1.0000001f;
        Checkpoint.save(m, tmp, DType.BF16, Long.MAX_VALUE);
        try (SafeTensors st = SafeTensors.open(tmp.resolve("model.safetensors"))) {
            assertThat(st.entries().get("model.embed_tokens.weight").dtype()).isEqualTo(DType.BF16);
            assertThat(st.entries().get("model.layers.1.mlp.gate.e_score_correction_bias").dtype()).isEqualTo(DType.F32);
        }
        Transformer back = Checkpoint.load(tmp, true);
        float[] w = m.tensors().get("model.layers.0.mlp.up_proj.weight").data;
        float[] b = back.tensors().get("model.layers.0.mlp.up_proj.weight").data;
        for (int i = 0; i < w.length; i++) assertThat(b[i]).isEqualTo(DType.fromBf16(DType.toBf16(w[i])));
        assertThat(back.tensors().get("model.layers.1.mlp.gate.e_score_correction_bias").data[0]).isEqualTo(1.0000001f);
    }

    @Test
    void bf16RoundingIsNearestEven() {
        // 1 + 2⁻⁸ lies halfway between bf16 1.0 and 1.0078125: ties go to the even mantissa (1.0).
        assertThat(DType.fromBf16(DType.toBf16(1.00390625f))).isEqualTo(1.0f);
        // 1 + 3·2⁻⁸ is halfway between 1.0078125 (odd) and 1.015625 (even): up.
        assertThat(DType.fromBf16(DType.toBf16(1.01171875f))).isEqualTo(1.015625f);
        // Just above the halfway point rounds up; just below rounds down.
        assertThat(DType.fromBf16(DType.toBf16(Math.nextUp(1.00390625f)))).isEqualTo(1.0078125f);
        assertThat(DType.fromBf16(DType.toBf16(Math.nextDown(1.01171875f)))).isEqualTo(1.0078125f);
        assertThat(DType.fromBf16(DType.toBf16(-2.5f))).isEqualTo(-2.5f);
        assertThat(Float.isNaN(DType.fromBf16(DType.toBf16(Float.NaN)))).isTrue();
        assertThat(DType.fromBf16(DType.toBf16(Float.POSITIVE_INFINITY))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(DType.fromBf16(DType.toBf16(3.4e38f))).isEqualTo(Float.POSITIVE_INFINITY);
    }

    // ---- broken files ------------------------------------------------------------------------------------------

    private Path file(byte[] bytes) throws IOException {
        Path p = tmp.resolve("bad.safetensors");
        Files.write(p, bytes);
        return p;
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void truncatedFile() throws IOException {
        Path p = file(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafeTensors.open(p)).hasMessage(p + ": truncated: 3 bytes, but the header length alone takes 8");
    }

    @Test
    void headerLengthBeyondTheFileIsRefusedBeforeAllocating() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Path p = file(b.array());
        assertThatThrownBy(() -> SafeTensors.open(p)).hasMessageContaining("header length 1099511627776 does not fit in the file (16 bytes)");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrWithGaps() throws IOException {
        Path out = file(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,80]}}", 8));
        assertThatThrownBy(() -> SafeTensors.open(out)).hasMessage(out + ": tensor 'a': data_offsets [0, 80] fall outside the 8 bytes of data");
        Path overlap = file(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertThatThrownBy(() -> SafeTensors.open(overlap)).hasMessage(overlap + ": tensor 'b' overlaps tensor 'a'");
        Path gap = file(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        assertThatThrownBy(() -> SafeTensors.open(gap)).hasMessageContaining("a gap of 4 bytes before tensor 'a'");
        Path size = file(withHeader("{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertThatThrownBy(() -> SafeTensors.open(size)).hasMessage(size + ": tensor 'a': BF16 [3] needs 6 bytes but data_offsets span 8");
        Path dtype = file(withHeader("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8));
        assertThatThrownBy(() -> SafeTensors.open(dtype)).hasMessageContaining("dtype I64 is not supported");
        Path json = file(withHeader("{\"a\":", 0));
        assertThatThrownBy(() -> SafeTensors.open(json)).hasMessage(json + ": header is not valid JSON");
    }

    private Path savedNano() throws IOException {
        Path dir = tmp.resolve("model");
        Checkpoint.save(Transformer.init(Presets.get("nano"), 1), dir, DType.F32, Long.MAX_VALUE);
        return dir;
    }

    /** Rewrites the model's weights with one tensor changed (or removed, or added). */
    private void rewrite(Path dir, String name, Tensor replacement, boolean remove, String extra) throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, SafeTensors.Item> items = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(f)) {
            for (String n : st.entries().keySet()) items.put(n, new SafeTensors.Item(st.read(n), st.entries().get(n).shape()));
        }
        if (remove) items.remove(name);
        else if (replacement != null) items.put(name, new SafeTensors.Item(replacement.data, replacement.shape()));
        if (extra != null) items.put(extra, new SafeTensors.Item(new float[1], new int[] {1}));
        SafeTensors.write(f, items, DType.F32, Map.of());
    }

    @Test
    void shapeMismatchMissingTensorAndUnknownKeyInStrictMode() throws IOException {
        Path dir = savedNano();
        rewrite(dir, "model.norm.weight", Tensor.zeros(31), false, null);
        assertThatThrownBy(() -> Checkpoint.load(dir, false))
                .hasMessage(dir.resolve("model.safetensors") + ": tensor 'model.norm.weight' has shape [31] but config.json implies [32]");
        rewrite(dir, "model.norm.weight", null, true, null);
        assertThatThrownBy(() -> Checkpoint.load(dir, false))
                .hasMessage(dir + ": missing tensor 'model.norm.weight' that config.json implies");
        rewrite(dir, "model.norm.weight", Tensor.zeros(32), false, "model.layers.0.mystery.weight");
        assertThatThrownBy(() -> Checkpoint.load(dir, true))
                .hasMessage(dir.resolve("model.safetensors") + ": unexpected tensor 'model.layers.0.mystery.weight' (strict mode)");
        assertThat(Checkpoint.load(dir, false).tensors()).doesNotContainKey("model.layers.0.mystery.weight");
    }

    @Test
    void inconsistentConfigsNameEveryProblem() throws IOException {
        Path dir = savedNano();
        String cfg = Files.readString(dir.resolve("config.json"))
                .replace("\"n_group\" : 4", "\"n_group\" : 3")
                .replace("\"q_lora_rank\" : 16", "\"q_lora_rank\" : 0");
        Files.writeString(dir.resolve("config.json"), cfg);
        assertThatThrownBy(() -> Checkpoint.load(dir, false))
                .hasMessageContaining("n_routed_experts 8 is not divisible by n_group 3")
                .hasMessageContaining("q_lora_rank must be null (no query compression) or positive, got 0");
        ModelConfig yarn = new ModelConfig(null, "deepseek_v3", 10, 8, 8, 1, 1, 1, null, "silu", 1e-6, 1e4,
                new r1j.model.RopeScaling("yarn", 40.0, 4096, 32.0, 1.0, 1.0, 1.0, null, null, null, null), 4096, false, false, 0.0, 0.006,
                0, 1, null, 4, 1, 4, 2, 2.5, 2, 1, 0, 1, true, "sigmoid", "noaux_tc", true, 1e-4, 4, null, 2, 2, 2, 0, null, ModelConfig.Extras.NONE);
        // An explicit YaRN factor wins over max_position_embeddings / original (current transformers): no problem.
        assertThat(yarn.problems()).isEmpty();
    }
}
