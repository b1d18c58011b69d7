package r1j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.io.Checkpoint;
import r1j.io.SafeTensors;
import r1j.model.ModelConfig;
import r1j.reward.Answers;
import r1j.reward.Rewards;
import r1j.tokenizer.ChatTemplate;
import r1j.tokenizer.Tokenizer;

/**
 * Every parser of user input, fuzzed (issue 21). The contract: a parser either reads the input or refuses it with an
 * IllegalArgumentException or IOException that carries a message (the one line the CLI prints); any other exception,
 * an error, or a hang is a finding. `./r1j test` runs each target's seeds (src/test/resources/r1j/fuzz/
 * ParsersFuzzTestInputs/TARGET/) and the crashes found so far; `scripts/fuzz.sh [SECONDS]` explores each target.
 */
class ParsersFuzzTest {
    private static final Path DIR = scratch();

    private static Path scratch() {
        try {
            Path d = Files.createTempDirectory("r1j-fuzz");
            // deleteOnExit removes only empty folders; every fuzz JVM would leave its scratch files in /tmp.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    r1j.train.TrainingRun.deleteTree(d);
                } catch (IOException e) {
                    // best effort at exit
                }
            }));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface Parse {
        void run() throws Exception;
    }

    /** Runs the parser; a refusal with a message is fine, anything else propagates to Jazzer as a finding. */
    static void refusesCleanly(Parse p) throws Exception {
        try {
            p.run();
        } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("a refusal without a message", e);
        }
    }

    private static Path file(String name, byte[] data) throws IOException {
        Path f = DIR.resolve(name);
        Files.write(f, data);
        return f;
    }

    @FuzzTest(maxDuration = "10s")
    void safetensors(byte @NotNull [] data) throws Exception {
        Path f = file("model.safetensors", data);
        refusesCleanly(() -> {
            try (SafeTensors st = SafeTensors.open(f)) {
                for (String name : st.entries().keySet()) st.read(name);
            }
        });
    }

    @FuzzTest(maxDuration = "10s")
    void checkpointIndex(byte @NotNull [] data) throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("checkpoint"));
        Files.copy(fixture("qwen2-tiny/config.json"), dir.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(fixture("qwen2-tiny/model.safetensors"), dir.resolve("shard.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve(Checkpoint.INDEX), data);
        refusesCleanly(() -> Checkpoint.load(dir, false));
    }

    @FuzzTest(maxDuration = "10s")
    void configJson(byte @NotNull [] data) throws Exception {
        Path f = file("config.json", data);
        refusesCleanly(() -> ModelConfig.read(f));
    }

    @FuzzTest(maxDuration = "10s")
    void tokenizerJson(byte @NotNull [] data) throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("tokenizer"));
        Files.write(dir.resolve("tokenizer.json"), data);
        refusesCleanly(() -> {
            Tokenizer t = Tokenizer.load(dir);
            t.decode(t.encode("Hello, 12 + 30 = 42. ¿Cuánto es? 你好 <think>", true), false);
        });
    }

    @FuzzTest(maxDuration = "10s")
    void chatTemplate(byte @NotNull [] data) throws Exception {
        String template = new String(data, StandardCharsets.UTF_8);
        Path dir = Files.createDirectories(DIR.resolve("template"));
        Files.writeString(dir.resolve("tokenizer_config.json"), Jsonl.write(Map.of("chat_template", template, "bos_token", "<s>")));
        refusesCleanly(() -> renderTemplateOf(dir));
    }

    @FuzzTest(maxDuration = "10s")
    void tokenizerConfig(byte @NotNull [] data) throws Exception {
        Path dir = Files.createDirectories(DIR.resolve("tokenizer-config"));
        Files.write(dir.resolve("tokenizer_config.json"), data);
        refusesCleanly(() -> renderTemplateOf(dir));
    }

    /** Loads the folder's chat template, if it has one, and renders a one-message conversation with it. */
    private static void renderTemplateOf(Path dir) throws IOException {
        ChatTemplate t = ChatTemplate.load(dir);
        if (t != null) t.render(List.of(new ChatTemplate.Message("user", "What is 2 + 3?")), true, Map.of());
    }

    @FuzzTest(maxDuration = "10s")
    void datasetJsonl(byte @NotNull [] data) throws Exception {
        Path f = file("data.jsonl", data);
        refusesCleanly(() -> Datasets.read(f, false));
        refusesCleanly(() -> Datasets.read(f, true));
        refusesCleanly(() -> Jsonl.readMaps(f));
    }

    @FuzzTest(maxDuration = "10s")
    void answers(byte @NotNull [] data) throws Exception {
        String reply = new String(data, StandardCharsets.UTF_8);
        refusesCleanly(() -> {
            Answers.extract(reply, true);
            Answers.value(reply, false);
            Answers.value(reply, true);
            Answers.correct(reply, "42", false, true);
            Answers.matches(reply, reply, true);
        });
    }

    @FuzzTest(maxDuration = "10s")
    void rewardSpec(byte @NotNull [] data) throws Exception {
        // The two options of a command line, --rewards and --weights, one per line.
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", 2);
        refusesCleanly(() -> Rewards.parse(lines[0], lines.length > 1 ? lines[1] : null));
    }

    private static r1j.serve.OpenAiServer server;
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    /** An r1j serve on loopback with a nano model (random weights, a small tokenizer), started once per JVM. */
    private static synchronized String server() throws IOException {
        if (server == null) {
            List<String> corpus = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) corpus.add("What is " + i % 10 + " + " + i % 7 + "? <think> plus </think> It is " + (i % 10 + i % 7) + ".");
            Tokenizer tok = r1j.tokenizer.BpeTrainer.train(corpus, 300);
            Path dir = DIR.resolve("served");
            Checkpoint.save(r1j.model.Transformer.init(r1j.model.Presets.get("nano").withVocabSize(tok.vocabSize()), 4), dir,
                    r1j.io.DType.F32, Long.MAX_VALUE);
            tok.save(dir);
            Files.writeString(dir.resolve("tokenizer_config.json"), Jsonl.write(Map.of("chat_template",
                    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant: <think>{% endif %}")));
            server = r1j.serve.OpenAiServer.of(dir, Map.of(), r1j.serve.ServeSettings.builder().port(0).modelId("nano").maxContext(64)
                    .maxBatch(8).build());
        }
        return "http://127.0.0.1:" + server.port();
    }

    /** The server is closed after the fuzz tests: its decoder thread and sockets do not outlive them. */
    @org.junit.jupiter.api.AfterAll
    static synchronized void stopServer() {
        if (server != null) server.close();
        server = null;
    }

    /** The request body of both completion endpoints: any reply is 200 or a 4xx with OpenAI's error object, never 5xx. */
    @FuzzTest(maxDuration = "10s")
    void serverRequestBody(byte @NotNull [] data) throws Exception {
        String path = data.length > 0 && (data[0] & 1) == 1 ? "/v1/completions" : "/v1/chat/completions";
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server() + path))
                .header("Content-Type", "application/json").timeout(java.time.Duration.ofSeconds(30))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(data)).build();
        var reply = HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        int code = reply.statusCode();
        if (code >= 500 || code != 200 && !reply.body().contains("\"error\"")) {
            throw new AssertionError("HTTP " + code + " for " + new String(data, StandardCharsets.UTF_8) + ": " + reply.body());
        }
    }

    private static Path fixture(String name) {
        try {
            return Path.of(ParsersFuzzTest.class.getResource("/fixtures/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
