package r1j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's exit codes and machine-readable output. */
class MainTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void versionAndHelp() {
        Run v = run("version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).contains("r1j 0.1.0").contains("vector width");
        assertThat(run("--help").code()).isZero();
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        Run r = run("bench", "matmul", "--no-such-flag");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option").doesNotContain("Exception");
        Run bad = run("bench", "matmul", "--shape", "12x7", "--no-openblas");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("r1j: error: --shape: '12x7' is not MxNxK");
    }

    @Test
    void benchMatmulJsonRows() throws Exception {
        Run r = run("bench", "matmul", "--json", "--no-openblas", "--shape", "64x32x48", "--layout", "TN",
                "--threads", "1", "--reps", "1", "--min-seconds", "0.001");
        assertThat(r.code()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode row = new ObjectMapper().readTree(lines[0]);
        assertThat(row.get("shape").asText()).isEqualTo("64x32x48");
        assertThat(row.get("layout").asText()).isEqualTo("TN");
        assertThat(row.get("threads").asInt()).isEqualTo(1);
        assertThat(row.get("gflops").asDouble()).isPositive();
        assertThat(row.get("openblas_gflops").isNull()).isTrue();
    }

    /**
     * bench real's rows on a Hub-layout fixture: decoding at the given sequences, prefill, full and LoRA steps, each
     * with its bound, and llama.cpp (the tests' oracle, so present here) timed beside the decode and prefill rows.
     */
    @Test
    void benchRealRowsWithTheirPeers() throws Exception {
        Run r = run("bench", "real", "--json", "--model", "src/test/resources/fixtures/qwen2-tiny", "--sequences", "1,3",
                "--new-tokens", "2", "--reps", "1", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) rows.add(new ObjectMapper().readTree(line));
        assertThat(rows).extracting(n -> n.get("work").asText()).containsExactly("decode, 1 sequence",
                "decode, 3 sequences", "prefill, 512 tokens", "decode q8, 1 sequence", "training step, full",
                "training step, LoRA r=16");
        for (JsonNode n : rows) {
            assertThat(n.get("threads").asInt()).isEqualTo(1);
            assertThat(n.get("tokens_per_s").asDouble()).isPositive().isFinite();
            assertThat(n.get("bound_tokens_per_s").asDouble()).isPositive().isFinite();
            assertThat(n.get("fraction_of_bound").asDouble())
                    .isEqualTo(n.get("tokens_per_s").asDouble() / n.get("bound_tokens_per_s").asDouble(), within(1e-3));
        }
        for (JsonNode n : rows.subList(0, 4)) {
            assertThat(n.get("peer").asText()).isEqualTo(n == rows.get(3) ? "llama.cpp Q8_0" : "llama.cpp BF16");
            assertThat(n.get("peer_tokens_per_s").asDouble()).isPositive().isFinite();
        }
        Run bad = run("bench", "real", "--model", "src/test/resources/fixtures/qwen2-tiny", "--work", "decode,sing");
        assertThat(bad.err().strip()).isEqualTo("r1j: error: --work: unknown 'sing' (decode, prefill, q8, full or lora)");
    }

    @Test
    void initThenLogprobsAgreesWithLogits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path model = tmp.resolve("m");
        Run init = run("init", "--preset", "nano", "--out", model.toString());
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("KV cache: 160 bytes per token (MLA latent 16 + rope key 4 per layer; full keys and values would take 320)");
        assertThat(run("init", "--preset", "nano", "--out", model.toString()).err()).contains("already holds a model");
        java.nio.file.Path data = tmp.resolve("in.jsonl");
        java.nio.file.Files.writeString(data, "{\"input_ids\": [1, 2, 3, 4]}\n\n{\"input_ids\": [9, 8]}\n");
        Run lp = run("logprobs", "--model", model.toString(), "--data", data.toString(), "--logits");
        assertThat(lp.code()).as(lp.err()).isZero();
        String[] lines = lp.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode row = new ObjectMapper().readTree(lines[0]);
        assertThat(row.get("logprobs")).hasSize(3);
        JsonNode logits = row.get("logits");
        assertThat(logits).hasSize(4);
        double lse = 0, max = Double.NEGATIVE_INFINITY;
        for (JsonNode v : logits.get(0)) max = Math.max(max, v.asDouble());
        for (JsonNode v : logits.get(0)) lse += Math.exp(v.asDouble() - max);
        lse = max + Math.log(lse);
        assertThat(row.get("logprobs").get(0).asDouble()).isCloseTo(logits.get(0).get(2).asDouble() - lse,
                org.assertj.core.data.Offset.offset(1e-5));
        java.nio.file.Files.writeString(data, "{\"input_ids\": [1, 2]}\n{\"input_ids\": [1, \"x\"]}\n");
        Run bad = run("logprobs", "--model", model.toString(), "--data", data.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("r1j: error: " + data + ":2: field 'input_ids'[1] is not an integer: \"x\"");
        Run missing = run("logprobs", "--model", tmp.resolve("nope").toString(), "--data", data.toString());
        assertThat(missing.err().strip()).isEqualTo("r1j: error: " + tmp.resolve("nope") + ": no such model folder");
    }

    @Test
    void tokenizerTrainEncodeAndGenerate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path corpus = tmp.resolve("corpus.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) sb.append("What is ").append(i % 10).append(" + ").append(i % 7).append("? It is ").append(i % 10 + i % 7).append(".\n");
        java.nio.file.Files.writeString(corpus, sb.toString());
        java.nio.file.Path tokDir = tmp.resolve("tok");
        Run train = run("tokenizer", "train", "--corpus", corpus.toString(), "--vocab-size", "300", "--out", tokDir.toString());
        assertThat(train.code()).as(train.err()).isZero();
        java.nio.file.Path data = tmp.resolve("t.jsonl");
        java.nio.file.Files.writeString(data, "{\"text\": \"What is 3 + 4?\"}\n{\"text\": \"<think>\"}\n");
        Run enc = run("tokenizer", "encode", "--tokenizer", tokDir.toString(), "--data", data.toString(), "--add-special-tokens");
        assertThat(enc.code()).as(enc.err()).isZero();
        String[] rows = enc.out().strip().split("\n");
        r1j.tokenizer.Tokenizer tok = r1j.tokenizer.Tokenizer.load(tokDir);
        JsonNode ids = new ObjectMapper().readTree(rows[0]).get("ids");
        int[] arr = new int[ids.size()];
        for (int i = 0; i < arr.length; i++) arr[i] = ids.get(i).asInt();
        assertThat(arr[0]).isZero();
        assertThat(tok.decode(arr, true)).isEqualTo("What is 3 + 4?");
        assertThat(new ObjectMapper().readTree(rows[1]).get("ids").get(1).asInt()).isEqualTo(tok.requireId("<think>"));

        java.nio.file.Path model = tmp.resolve("m");
        assertThat(run("init", "--preset", "nano", "--tokenizer", tokDir.toString(), "--out", model.toString()).code()).isZero();
        Run gen = run("generate", "--model", model.toString(), "--prompt", "What is 3 + 4?", "--template", "r1-zero",
                "-n", "2", "--temperature", "0", "--max-new-tokens", "5", "--json");
        assertThat(gen.code()).as(gen.err()).isZero();
        String[] out = gen.out().strip().split("\n");
        assertThat(out).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(out[0]), second = new ObjectMapper().readTree(out[1]);
        assertThat(first.get("prompt").asText()).endsWith("User: What is 3 + 4?. Assistant:");
        assertThat(first.get("finish").asText()).isIn("length", "stop");
        // Greedy samples of one prompt are identical.
        assertThat(first.get("tokens")).isEqualTo(second.get("tokens"));
        Run noTok = run("generate", "--model", tmp.resolve("m2").toString(), "--prompt", "x");
        assertThat(noTok.code()).isEqualTo(2);
        // 8-bit weights: the same command runs; an unknown width is refused, naming the accepted ones.
        Run q8 = run("generate", "--model", model.toString(), "--prompt", "What is 3 + 4?", "--template", "r1-zero",
                "--temperature", "0", "--max-new-tokens", "5", "--json", "--frozen-dtype", "q8");
        assertThat(q8.code()).as(q8.err()).isZero();
        assertThat(new ObjectMapper().readTree(q8.out().strip()).get("finish").asText()).isIn("length", "stop");
        assertThat(run("generate", "--model", model.toString(), "--prompt", "x", "--frozen-dtype", "q4").err().strip())
                .isEqualTo("r1j: error: --frozen-dtype: frozen dtype 'q4': expected stored or q8");

        // GRPO's successors by name: GSPO's sequence ratios, CISPO's loss, dynamic sampling that refills (config.json
        // holds them), and `--dynamic-sampling` alone still means filter.
        java.nio.file.Path tasks = tmp.resolve("tasks.jsonl");
        assertThat(run("data", "tasks", "--split", "train", "--n", "8", "--out", tasks.toString()).code()).isZero();
        String[] grpo = {"grpo", "--model", model.toString(), "--data", tasks.toString(), "--steps", "1", "-G", "2",
                "--prompts-per-step", "2", "--max-completion-tokens", "4", "--checkpoint-every", "0", "--force"};
        Run gspo = run(concat(grpo, "--out", tmp.resolve("gspo").toString(), "--importance-level", "sequence", "--policy-loss", "CISPO",
                "--dynamic-sampling", "refill", "--refill-max-groups", "2"));
        assertThat(gspo.code()).as(gspo.err()).isZero();
        JsonNode cfg = new ObjectMapper().readTree(tmp.resolve("gspo/config.json").toFile());
        assertThat(cfg.get("importance_level").asText()).isEqualTo("SEQUENCE");
        assertThat(cfg.get("policy_loss").asText()).isEqualTo("CISPO");
        assertThat(cfg.get("dynamic_sampling").asText()).isEqualTo("REFILL");
        assertThat(cfg.get("refill_max_groups").asInt()).isEqualTo(2);
        assertThat(run(concat(grpo, "--out", tmp.resolve("filter").toString(), "--dynamic-sampling")).code()).isZero();
        assertThat(new ObjectMapper().readTree(tmp.resolve("filter/config.json").toFile()).get("dynamic_sampling").asText()).isEqualTo("FILTER");
        assertThat(run(concat(grpo, "--out", tmp.resolve("x").toString(), "--policy-loss", "ppo")).err().strip())
                .isEqualTo("r1j: error: --policy-loss: 'ppo' is none of clip, cispo");

        // The folder's own Jinja chat_template (r1j's tokenizers write one for the chat format) gives the chat
        // format's prompt and, greedily, the same completion.
        JsonNode viaChat = new ObjectMapper().readTree(run("generate", "--model", model.toString(), "--prompt", "What is 3 + 4?",
                "--template", "chat", "--temperature", "0", "--max-new-tokens", "6", "--json").out().strip());
        Run own = run("generate", "--model", model.toString(), "--prompt", "What is 3 + 4?", "--template", "model",
                "--temperature", "0", "--max-new-tokens", "6", "--json");
        assertThat(own.code()).as(own.err()).isZero();
        JsonNode viaModel = new ObjectMapper().readTree(own.out().strip());
        assertThat(viaModel.get("prompt").asText()).isEqualTo(viaChat.get("prompt").asText()).startsWith("<｜begin▁of▁sentence｜><｜User｜>");
        assertThat(viaModel.get("tokens")).isEqualTo(viaChat.get("tokens"));
    }

    @Test
    void initFromAHubConfigThenInspect(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path model = tmp.resolve("q");
        Run init = run("init", "--config", "src/test/resources/fixtures/qwen2-tiny/config.json", "--dtype", "BF16",
                "--out", model.toString());
        assertThat(init.code()).as(init.err()).isZero();
        r1j.model.Transformer frozen = r1j.io.Checkpoint.loadFrozen(model);
        assertThat(frozen.tensors().get("model.layers.0.mlp.up_proj.weight").packed()).isNotNull();
        Run r = run("inspect", "--model", model.toString(), "--json", "--batch", "2", "--context", "64", "--tokens", "128");
        assertThat(r.code()).as(r.err()).isZero();
        String[] rows = r.out().strip().split("\n");
        assertThat(rows).hasSize(5);
        JsonNode gen = new ObjectMapper().readTree(rows[0]);
        r1j.model.MemoryPlan plan = new r1j.model.MemoryPlan(frozen.config(), 2);
        // generate: the frozen weights as loaded, the KV cache of 2 × 64 tokens (K and V in two layouts), the logits.
        long kv = 2L * 64 * 2 * frozen.config().num_hidden_layers() * 2 * frozen.config().num_key_value_heads()
                * frozen.config().denseHeadDim() * 4;
        assertThat(frozen.weightBytes()).isGreaterThanOrEqualTo(plan.frozenWeightBytes());
        assertThat(gen.get("bytes").asLong()).isEqualTo(plan.frozenWeightBytes() + kv + 2L * 2 * frozen.config().vocab_size() * 4);
        assertThat(gen.get("fits").asBoolean()).isTrue();
        JsonNode sft = new ObjectMapper().readTree(rows[1]);
        assertThat(sft.get("bytes").asLong()).isGreaterThan(16L * plan.parameters());
        JsonNode lora = new ObjectMapper().readTree(rows[3]);
        assertThat(lora.get("job").asText()).contains("LoRA");
        assertThat(lora.get("bytes").asLong()).isLessThan(new ObjectMapper().readTree(rows[2]).get("bytes").asLong());
        assertThat(new ObjectMapper().readTree(rows[4]).get("bytes").asLong()).isLessThan(lora.get("bytes").asLong());
    }

    @Test
    void outOfMemoryIsOneLineSayingWhatToSet(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path model = tmp.resolve("m");
        r1j.io.Checkpoint.saveRandom(r1j.model.ModelConfig.read(java.nio.file.Path.of("examples/configs/qwen2-mini.json")), model,
                r1j.io.DType.F32, 1, Long.MAX_VALUE);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-Xmx32m", "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "r1j.cli.Main", "generate", "--model", model.toString(), "--prompt", "hi")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isEqualTo(3);
        assertThat(out).contains("r1j: out of memory: this job needs more than the").contains("set R1J_JAVA_OPTS=-Xmx<N>g")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void rewardCommandScoresRowsAndSummarises(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path data = tmp.resolve("c.jsonl");
        java.nio.file.Files.writeString(data, """
                {"prompt": "What is 2 + 3 * 4?", "completion": "<think> 3 * 4 = 12, 2 + 12 = 14 </think> <answer> 14 </answer>", "answer": "14", "language": "en"}
                {"prompt": "What is 2 + 3 * 4?", "completion": "<think> 2 + 3 = 5, 5 * 4 = 20 </think> <answer> 20 </answer>", "answer": "14"}
                {"prompt": "¿Cuánto es 2 + 3 * 4?", "completion": "<think> three times four is twelve </think> <answer> 14 </answer>", "answer": "14"}
                """);
        java.nio.file.Path summary = tmp.resolve("s.json");
        Run r = run("reward", "--data", data.toString(), "--rewards", "accuracy,format,language", "--weights", "1,0.1,0.2",
                "--summary", summary.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String[] rows = r.out().strip().split("\n");
        assertThat(rows).hasSize(3);
        ObjectMapper m = new ObjectMapper();
        assertThat(m.readTree(rows[0]).get("total").asDouble()).isEqualTo(1.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.readTree(rows[1]).get("total").asDouble()).isEqualTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        // The third prompt is Spanish (detected), its reasoning English: consistency 0.
        JsonNode third = m.readTree(rows[2]).get("rewards");
        assertThat(third.get("language").asDouble()).isZero();
        assertThat(third.get("accuracy").asDouble()).isEqualTo(1.0);
        JsonNode s = m.readTree(java.nio.file.Files.readString(summary));
        assertThat(s.get("rows").asInt()).isEqualTo(3);
        assertThat(s.get("mean").get("accuracy").asDouble()).isEqualTo(0.6667, org.assertj.core.data.Offset.offset(1e-4));
        java.nio.file.Files.writeString(data, java.nio.file.Files.readString(data) + "{\"prompt\": 3, \"completion\": \"x\"}\nnot json\n");
        Run strict = run("reward", "--data", data.toString());
        assertThat(strict.err().strip()).isEqualTo("r1j: error: " + data + ":4: field 'prompt' must be a string");
        Run lenient = run("reward", "--data", data.toString(), "--skip-bad");
        assertThat(lenient.code()).isZero();
        assertThat(lenient.err()).contains("rows 3 (2 malformed skipped)");
        Run bad = run("reward", "--data", data.toString(), "--rewards", "accuracy,vibes");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown reward 'vibes'");
    }

    @Test
    void dataTasksAndStats(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path f = tmp.resolve("test.jsonl");
        assertThat(run("data", "tasks", "--split", "test", "--n", "300", "--out", f.toString()).code()).isZero();
        assertThat(java.nio.file.Files.readAllLines(f)).hasSize(300);
        JsonNode row = new ObjectMapper().readTree(java.nio.file.Files.readAllLines(f).get(0));
        assertThat(row.fieldNames()).toIterable().contains("prompt", "answer", "language", "difficulty", "category", "id");
        Run st = run("data", "stats", f.toString(), "--json");
        assertThat(new ObjectMapper().readTree(st.out()).get("problems").asInt()).isEqualTo(300);
        java.nio.file.Path c = tmp.resolve("corpus.txt");
        assertThat(run("data", "corpus", "--tokens", "5000", "--out", c.toString(), "--mix", "facts=0.5").code()).isZero();
        Run cs = run("data", "stats", c.toString());
        assertThat(cs.out()).contains("composition:").contains("facts").contains("0.50");
        assertThat(run("data", "corpus", "--tokens", "10", "--out", c.toString(), "--mix", "nope=1").err())
                .contains("unknown corpus style 'nope'");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
