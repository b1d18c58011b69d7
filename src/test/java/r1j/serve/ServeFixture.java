package r1j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.LanguageModel;
import r1j.model.Lora;
import r1j.model.LoraConfig;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Tokenizer;

/** A nano model folder (random weights, a small BPE, r1j's chat template), LoRA adapters for it, and HTTP helpers. */
final class ServeFixture {
    static final ObjectMapper JSON = new ObjectMapper();

    private ServeFixture() {}

    /** The model folder: nano with weights scaled up so replies vary, a tokenizer trained on arithmetic questions. */
    static Path model(Path dir) throws IOException {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) corpus.add("What is " + i % 10 + " + " + i % 7 + "? <think> " + i % 10 + " plus " + i % 7 + " </think> It is " + (i % 10 + i % 7) + ".");
        Tokenizer tok = BpeTrainer.train(corpus, 300);
        Checkpoint.save(Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 4), dir, DType.F32, Long.MAX_VALUE);
        tok.save(dir);
        return dir;
    }

    /** A LoRA adapter on every projection (MoE experts included) with B drawn at random, so it changes the replies. */
    static Path adapter(Path model, Path dir, long seed) throws IOException {
        Transformer m = Checkpoint.loadFrozen(model);
        Lora l = Lora.init(m, new LoraConfig(4, 8, 0, List.of("all-linear"), false), seed);
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : l.tensors().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                float[] b = e.getValue().data;
                for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextGaussian() * 0.5);
            }
        }
        l.save(dir, model.toString());
        return dir;
    }

    /** What a server serves from a model folder: its model wrapped by wrap (a FaultyModel, say), and adapters by folder name. */
    static OpenAiServer.Served served(Path dir, java.util.function.UnaryOperator<LanguageModel> wrap, Path... adapters) throws IOException {
        java.util.Map<String, Path> named = new java.util.LinkedHashMap<>();
        for (Path a : adapters) named.put(a.getFileName().toString(), a);
        OpenAiServer.Served s = OpenAiServer.Served.load(dir, named);
        return new OpenAiServer.Served(wrap.apply(s.model()), s.tokenizer(), s.template(), s.generation(), s.adapters());
    }

    /**
     * Waits until the server's state satisfies cond (its counters are updated by the decoder as it steps); fails after
     * a minute, a guard against a hang rather than a timing the test depends on.
     */
    static void await(java.util.function.BooleanSupplier cond, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("still waiting, after a minute, for " + what);
            Thread.yield();
        }
    }

    static ServeSettings.Builder settings() {
        return ServeSettings.builder().port(0).modelId("nano").maxContext(256).maxBatch(16);
    }

    static String base(OpenAiServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    static HttpResponse<String> post(HttpClient http, String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String model, String question, long seed, int maxTokens, boolean stream) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + question + "\"}], \"temperature\": 1.0, "
                + "\"seed\": " + seed + ", \"max_tokens\": " + maxTokens + (stream ? ", \"stream\": true" : "") + "}";
    }

    /** A blocking chat reply's text: reasoning and content together. */
    static String replyText(String body) throws IOException {
        JsonNode m = JSON.readTree(body).path("choices").path(0).path("message");
        return m.path("reasoning_content").asText("") + "|" + m.path("content").asText("");
    }

    /** A streamed chat reply's text, reasoning and content together, from its server-sent events. */
    static String streamText(String sse) throws IOException {
        StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        boolean done = false;
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: ")) continue;
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode c = JSON.readTree(data);
            if (c.has("error")) throw new IOException("error event: " + c.get("error"));
            for (JsonNode ch : c.path("choices")) {
                JsonNode d = ch.path("delta");
                if (d.path("reasoning_content").isTextual()) reasoning.append(d.get("reasoning_content").asText());
                if (d.path("content").isTextual()) content.append(d.get("content").asText());
                if (ch.path("text").isTextual()) content.append(ch.get("text").asText());
            }
        }
        if (!done) throw new IOException("the stream ended without [DONE]");
        return reasoning + "|" + content;
    }

    /** A raw HTTP/1.1 request on its own socket (for what a well-behaved client would never send). */
    static Socket raw(OpenAiServer s, String head, byte[] body) throws IOException {
        Socket sock = new Socket("127.0.0.1", s.port());
        OutputStream out = sock.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) out.write(body);
        out.flush();
        return sock;
    }

    /** Everything the server sends on this socket until it closes it. */
    static String readAll(Socket sock) throws IOException {
        InputStream in = sock.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    static String postHead(String path, long length, String... extra) {
        StringBuilder h = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n");
        for (String e : extra) h.append(e).append("\r\n");
        return h.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n").toString();
    }
}
