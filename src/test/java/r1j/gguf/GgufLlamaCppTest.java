package r1j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import r1j.bench.LlamaCpp;
import r1j.io.Checkpoint;
import r1j.model.Transformer;

/**
 * r1j's GGUF export loaded by real llama.cpp (its C API from the npm package's shared library, flash attention off,
 * KV cache in F32): every position's logits agree with r1j's own forward of the same weights, for Qwen2 (q/k/v
 * biases), Qwen3 (q/k norms) and Llama 3 (permuted q/k rows, rope_freqs for its frequency scaling) to 1e-4 in F32.
 * With F16 or BF16 weights llama.cpp's CPU matmul also rounds the activations to that type, so those exports are
 * compared with r1j on the same rounded weights within that rounding: 0.5 % (F16) and 2 % (BF16) of the largest
 * logit (measured: 0.16 % and 0.7 %); Q8_0 within 5 %.
 */
class GgufLlamaCppTest {
    private static final int[] IDS = {1, 7, 3, 9, 2, 11, 5, 4, 20, 33};
    private static LlamaCpp llama;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Throwable {
        llama = LlamaCpp.open();
    }

    @AfterAll
    static void close() {
        if (llama != null) llama.close();
    }

    private static double worst(float[] r1j, float[][] ll) {
        int v = ll[0].length;
        double w = 0;
        for (int t = 0; t < ll.length; t++) for (int i = 0; i < v; i++) w = Math.max(w, Math.abs(r1j[t * v + i] - ll[t][i]));
        return w;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"qwen2-tiny, F32, 0", "qwen3-tiny, F32, 0", "llama3-tiny, F32, 0", "qwen2-yarn-tiny, F32, 0",
            "qwen2-tiny, F16, 0.005", "qwen3-tiny, BF16, 0.02", "llama3-tiny, F16, 0.005"})
    void llamaCppGivesR1jsLogits(String fixture, String type, double relative) throws Throwable {
        Path src = Path.of("src/test/resources/fixtures", fixture);
        Path model = src;
        if (!type.equals("F32")) {
            // r1j's side of the comparison uses the same rounded weights.
            model = tmp.resolve("rounded");
            Checkpoint.save(Checkpoint.load(src, true), model, r1j.io.DType.valueOf(type), Long.MAX_VALUE);
        }
        Path gguf = tmp.resolve(fixture + ".gguf");
        GgufExport.export(model, gguf, GgufWriter.TensorType.valueOf(type));
        float[][] ll = llama.logits(gguf, IDS);
        Transformer m = Checkpoint.loadFrozen(model);
        assertThat(ll[0]).hasSize(m.config().vocab_size());
        float[] mine = m.forward(IDS, 1, IDS.length).data;
        double spread = 0;
        for (float x : mine) spread = Math.max(spread, Math.abs(x));
        double tolerance = type.equals("F32") ? 1e-4 : relative * spread;
        assertThat(spread).isGreaterThan(1);
        assertThat(worst(mine, ll)).as("%s %s: largest logit difference", fixture, type).isLessThan(tolerance);
    }

    @Test
    void q8ZeroStaysClose() throws Throwable {
        Path src = Path.of("src/test/resources/fixtures/qwen3-tiny");
        Path gguf = tmp.resolve("q8.gguf");
        GgufExport.export(src, gguf, GgufWriter.TensorType.Q8_0);
        float[][] ll = llama.logits(gguf, IDS);
        float[] mine = Checkpoint.load(src, true).forward(IDS, 1, IDS.length).data;
        double spread = 0;
        for (float x : mine) spread = Math.max(spread, Math.abs(x));
        assertThat(worst(mine, ll)).as("8-bit weights: within 5% of the largest logit").isLessThan(0.05 * spread).isGreaterThan(0);
    }

    @Test
    void theRealQwenTokenizerTravelsWithTheModel() throws Throwable {
        Path model = tmp.resolve("qmini");
        r1j.model.ModelConfig c = r1j.model.ModelConfig.read(Path.of("examples/configs/qwen2-mini.json"));
        Checkpoint.saveRandom(c, model, r1j.io.DType.F32, 5, Long.MAX_VALUE);
        r1j.tokenizer.Tokenizer tok = r1j.tokenizer.Tokenizer.load(r1j.tokenizer.RealTokenizers.dir("qwen3"));
        tok.save(model);
        Path gguf = tmp.resolve("qmini.gguf");
        GgufExport.export(model, gguf, GgufWriter.TensorType.F32);
        for (String text : new String[] {"What is 7 * 8? Let me think: 7 * 8 = 56.", "¿Cuánto es 1.234 + 5,6? ¡Muy fácil!",
                "  leading spaces\tand\nnew lines", "数学 的 答案 是 42", "<|im_start|>user\nhi<|im_end|>"}) {
            assertThat(llama.tokenize(gguf, text)).as(text).containsExactly(tok.encode(text, false));
        }
        // The padding token as the converter writes it: tokenizer_config.json's pad_token (Qwen's <|endoftext|>).
        int pad = tok.encode("<|endoftext|>", false)[0];
        assertThat(llama.specialTokens(gguf)[2]).as("llama.cpp's padding token").isEqualTo(pad);
        int[] ids = tok.encode("The answer is 56.", false);
        float[][] ll = llama.logits(gguf, ids);
        assertThat(worst(Checkpoint.loadFrozen(model).forward(ids, 1, ids.length).data, ll)).isLessThan(1e-4);
    }

    /**
     * A checkpoint in shards (model.safetensors.index.json, as the Hub stores models over a few GB) exports to the
     * same GGUF bytes as the same weights in one model.safetensors, and llama.cpp gives its logits.
     */
    @Test
    void aShardedCheckpointExportsAsOneFileDoes() throws Throwable {
        Path src = Path.of("src/test/resources/fixtures/qwen2-tiny");
        Transformer m = Checkpoint.load(src, true);
        Path one = tmp.resolve("one").resolve("qwen2-tiny"), sharded = tmp.resolve("sharded").resolve("qwen2-tiny");
        Checkpoint.save(m, one, r1j.io.DType.F32, Long.MAX_VALUE);
        Checkpoint.save(m, sharded, r1j.io.DType.F32, 64 * 1024);
        assertThat(sharded.resolve("model.safetensors.index.json")).exists();
        assertThat(sharded.resolve("model.safetensors")).doesNotExist();
        Path a = tmp.resolve("one.gguf"), b = tmp.resolve("sharded.gguf");
        GgufExport.export(one, a, GgufWriter.TensorType.F32);
        GgufExport.export(sharded, b, GgufWriter.TensorType.F32);
        assertThat(java.nio.file.Files.mismatch(a, b)).as("the same GGUF bytes").isEqualTo(-1L);
        assertThat(worst(m.forward(IDS, 1, IDS.length).data, llama.logits(b, IDS))).isLessThan(1e-4);
    }

    @Test
    void whatIsNotExportedIsRefusedInOneLine() throws Exception {
        Path dynamic = tmp.resolve("dynamic");
        java.nio.file.Files.createDirectories(dynamic);
        Path src = Path.of("src/test/resources/fixtures/qwen2-tiny");
        try (var files = java.nio.file.Files.list(src)) {
            for (Path f : files.toList()) java.nio.file.Files.copy(f, dynamic.resolve(f.getFileName()));
        }
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dynamic.resolve("config.json").toFile());
        config.putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0);
        java.nio.file.Files.writeString(dynamic.resolve("config.json"), config.toString());
        assertThatThrownBy(() -> GgufExport.export(dynamic, tmp.resolve("d.gguf"), GgufWriter.TensorType.F32))
                .hasMessageContaining("rope_scaling dynamic is not exported to GGUF yet");
    }
}
