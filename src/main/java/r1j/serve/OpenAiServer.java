package r1j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import r1j.generate.Completion;
import r1j.generate.GenerationConfig;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.model.Transformer;
import r1j.tokenizer.ChatTemplate;
import r1j.tokenizer.Tokenizer;

/**
 * An OpenAI-compatible HTTP server for one model, as llama.cpp's server and vLLM offer one: /v1/chat/completions
 * (with the model's chat template; streamed as server-sent events ending in "data: [DONE]"), /v1/completions,
 * /v1/models and /health. A reasoning model's think block comes back in reasoning_content (and reasoning, the newer
 * name) and its answer in content, as DeepSeek's API gives them. Errors have OpenAI's body: {"error": {message,
 * type, param, code}}; a wrong key is 401, an unknown model 404, bad input 400.
 *
 * <p>Requests are batched continuously: one generator thread decodes every running request together and admits
 * new ones at each step while the batch has room ({@link Generator#serve}); each has its own sampling settings. A
 * client that goes away frees its place at the next token.
 */
public final class OpenAiServer implements AutoCloseable {
    /** What a server serves and how: the model's id, the key clients must send (null: none), the context limit. */
    public record Settings(String modelId, String apiKey, int maxContext, boolean rawReasoning, int maxBatch) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transformer model;
    private final Tokenizer tok;
    private final ChatTemplate template;
    private final GenerationConfig gc;
    private final Settings settings;
    private final java.util.concurrent.BlockingQueue<Generator.Admission> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Generator.Admission stop = new Generator.Admission(new int[0], 0, 1, SamplingParams.greedy(1), null, c -> { });
    private final Thread decoder;
    private final HttpServer http;
    private final long created = System.currentTimeMillis() / 1000;

    public OpenAiServer(Transformer model, Tokenizer tok, ChatTemplate template, GenerationConfig gc, Settings settings,
                        String host, int port) throws IOException {
        this.model = model;
        this.tok = tok;
        this.template = template;
        this.gc = gc;
        this.settings = settings;
        if (settings.maxBatch() < 1) throw new IllegalArgumentException("--max-batch must be ≥ 1, got " + settings.maxBatch());
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be within 0–65535, got " + port);
        Generator generator = new Generator(model, tok, settings.maxBatch());
        // Bind first: the decoder holds the process-wide PackedWeights scope while it runs, so it starts only once
        // nothing can fail any more (a server that failed to start must leave no decoder behind).
        http = HttpServer.create(new InetSocketAddress(host, port), 64);
        decoder = Thread.ofPlatform().name("r1j-decoder").daemon().start(() -> {
            try {
                generator.serve(queue, stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * A server for a model folder (frozen, 16-bit weights staying 16-bit) with an optional LoRA adapter, its tokenizer,
     * chat template and generation config; a maxContext of 0 in settings means the model's max_position_embeddings.
     */
    public static OpenAiServer of(java.nio.file.Path dir, java.nio.file.Path adapter, Settings settings, String host, int port)
            throws IOException {
        Transformer m = r1j.io.Checkpoint.loadFrozen(dir, adapter);
        ChatTemplate template = ChatTemplate.load(dir);
        if (template == null) throw new IllegalArgumentException(dir + ": no chat_template in tokenizer_config.json or chat_template.jinja");
        Settings s = settings.maxContext() > 0 ? settings : new Settings(settings.modelId(), settings.apiKey(),
                m.config().max_position_embeddings(), settings.rawReasoning(), settings.maxBatch());
        return new OpenAiServer(m, Tokenizer.load(dir), template, GenerationConfig.read(dir), s, host, port);
    }

    /** The port it listens on (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        queue.add(stop);
        try {
            decoder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
            try {
                if (path.equals("/health")) {
                    send(ex, 200, JSON.createObjectNode().put("status", "ok"));
                    return;
                }
                authorise(ex);
                switch (method + " " + path) {
                    case "GET /v1/models" -> send(ex, 200, models());
                    case "POST /v1/chat/completions" -> complete(ex, body(ex), true);
                    case "POST /v1/completions" -> complete(ex, body(ex), false);
                    default -> throw new ApiError(404, "invalid_request_error", null, "unknown_url",
                            "Unknown request URL: " + method + " " + path);
                }
            } catch (ApiError e) {
                ObjectNode err = JSON.createObjectNode();
                ObjectNode o = err.putObject("error");
                o.put("message", e.getMessage());
                o.put("type", e.type);
                if (e.param == null) o.putNull("param");
                else o.put("param", e.param);
                if (e.code == null) o.putNull("code");
                else o.put("code", e.code);
                if (!ex.getResponseHeaders().containsKey("Content-Type")) send(ex, e.status, err);
            } catch (RuntimeException e) {
                ObjectNode err = JSON.createObjectNode();
                err.putObject("error").put("message", "internal error: " + e.getMessage()).put("type", "server_error");
                if (!ex.getResponseHeaders().containsKey("Content-Type")) send(ex, 500, err);
            }
        }
    }

    private void authorise(HttpExchange ex) {
        if (settings.apiKey() == null) return;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.equals("Bearer " + settings.apiKey())) {
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key", "Incorrect API key provided.");
        }
    }

    private ObjectNode models() {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        root.putArray("data").addObject().put("id", settings.modelId()).put("object", "model").put("created", created)
                .put("owned_by", "r1j");
        return root;
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readNBytes(16 << 20);
        try {
            // As UTF-8, as the API defines it: from raw bytes Jackson would guess UTF-16/32 from leading NULs and fail
            // with an I/O error that drops the connection instead of answering 400 (found by ParsersFuzzTest).
            JsonNode n = JSON.readTree(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) throw ApiError.invalid(null, "The request body must be a JSON object.");
            return n;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw ApiError.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    // ---- completions -------------------------------------------------------------------------------------------

    /** The parsed request: the prompt text, sampling, n, and streaming options. */
    private record Job(String prompt, boolean promptOpensThink, SamplingParams params, int n, long seed, boolean stream,
                       boolean includeUsage) {}

    private void complete(HttpExchange ex, JsonNode req, boolean chat) throws IOException {
        if (req.hasNonNull("model") && !req.get("model").isTextual()) throw ApiError.invalid("model", "'model' must be a string.");
        String asked = req.path("model").asText(settings.modelId());
        if (!asked.equals(settings.modelId())) {
            throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                    "The model `" + asked + "` does not exist; this server serves `" + settings.modelId() + "`.");
        }
        Job job = parse(req, chat);
        int[] ids = tok.encode(job.prompt(), false);
        int total = ids.length + job.params().maxNewTokens();
        if (total > settings.maxContext()) {
            throw new ApiError(400, "invalid_request_error", chat ? "messages" : "prompt", "context_length_exceeded",
                    "This model's maximum context length is " + settings.maxContext() + " tokens. However, you requested "
                            + total + " tokens (" + ids.length + " in the " + (chat ? "messages" : "prompt") + ", "
                            + job.params().maxNewTokens() + " in the completion).");
        }
        String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(System.nanoTime());
        if (job.stream()) stream(ex, job, ids, id, chat);
        else send(ex, 200, whole(job, ids, id, chat));
    }

    private Job parse(JsonNode req, boolean chat) {
        String prompt;
        boolean opens;
        if (chat) {
            JsonNode ms = req.get("messages");
            if (ms == null || !ms.isArray() || ms.isEmpty()) throw ApiError.invalid("messages", "'messages' must be a non-empty array.");
            List<ChatTemplate.Message> messages = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                JsonNode m = ms.get(i);
                String role = m.path("role").asText(null);
                if (role == null || !List.of("system", "developer", "user", "assistant").contains(role)) {
                    throw ApiError.invalid("messages[" + i + "].role", "messages[" + i + "].role must be system, user or assistant.");
                }
                messages.add(new ChatTemplate.Message(role.equals("developer") ? "system" : role, content(m.get("content"), i)));
            }
            try {
                prompt = template.render(messages, true, Map.of());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("messages", e.getMessage());
            }
            opens = prompt.stripTrailing().endsWith(ReasoningSplitter.OPEN);
        } else {
            JsonNode p = req.get("prompt");
            if (p != null && p.isArray() && p.size() == 1) p = p.get(0);
            if (p == null || !p.isTextual()) throw ApiError.invalid("prompt", "'prompt' must be a string.");
            prompt = p.asText();
            opens = false;
        }
        float temperature = (float) number(req, "temperature", gc.temperature() != null ? gc.temperature() : 1.0, 0, 2);
        float topP = (float) number(req, "top_p", gc.topP() != null ? gc.topP() : 1.0, 0, 1);
        if (topP == 0) throw ApiError.invalid("top_p", "'top_p' must be greater than 0.");
        int topK = (int) integer(req, "top_k", gc.topK() != null ? gc.topK() : 0, 0, Integer.MAX_VALUE);
        String lengthKey = req.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = (int) integer(req, lengthKey, Math.min(256, settings.maxContext()), 1, Integer.MAX_VALUE);
        int n = (int) integer(req, "n", 1, 1, 16);
        long seed = req.has("seed") && !req.get("seed").isNull() ? integer(req, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : System.nanoTime();
        List<String> stops = new ArrayList<>();
        JsonNode stop = req.get("stop");
        if (stop != null && stop.isTextual()) stops.add(stop.asText());
        else if (stop != null && stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw ApiError.invalid("stop", "'stop' must be a string or an array of strings.");
                stops.add(s.asText());
            }
        } else if (stop != null && !stop.isNull()) throw ApiError.invalid("stop", "'stop' must be a string or an array of strings.");
        JsonNode st = req.get("stream");
        if (st != null && !st.isNull() && !st.isBoolean()) throw ApiError.invalid("stream", "'stream' must be a boolean.");
        boolean stream = st != null && st.asBoolean();
        boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
        SamplingParams sp = new SamplingParams(temperature, topP, topK, 0f, 1f, maxTokens, stops, gc.stopTokens(model, tok));
        return new Job(prompt, opens, sp, n, seed, stream, usage);
    }

    private static String content(JsonNode c, int i) {
        if (c != null && c.isTextual()) return c.asText();
        if (c != null && c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.invalid("messages[" + i + "].content", "only text content parts are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw ApiError.invalid("messages[" + i + "].content", "messages[" + i + "].content must be a string.");
    }

    private static double number(JsonNode req, String key, double dflt, double lo, double hi) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw ApiError.invalid(key, "'" + key + "' must be a number, not " + v + ".");
        double d = v.asDouble();
        if (d < lo || d > hi) throw ApiError.invalid(key, "'" + key + "' must be between " + lo + " and " + hi + ", not " + d + ".");
        return d;
    }

    private static long integer(JsonNode req, String key, long dflt, long lo, long hi) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.canConvertToLong() || !v.isIntegralNumber()) throw ApiError.invalid(key, "'" + key + "' must be an integer, not " + v + ".");
        long x = v.asLong();
        if (x < lo || x > hi) throw ApiError.invalid(key, "'" + key + "' must be at least " + lo + (hi < Integer.MAX_VALUE ? " and at most " + hi : "") + ", not " + x + ".");
        return x;
    }

    /** Queues the request for the decoder and waits for its completions (a streaming listener failing ends it). */
    private List<Completion> generate(Job job, int[] ids, Generator.Listener listener) {
        java.util.concurrent.CompletableFuture<List<Completion>> result = new java.util.concurrent.CompletableFuture<>();
        Generator.Listener guarded = listener == null ? null : (request, sample, text) -> {
            try {
                listener.onText(request, sample, text);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                throw e;
            }
        };
        queue.add(new Generator.Admission(ids, job.seed(), job.n(), job.params(), guarded, result::complete));
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private ObjectNode whole(Job job, int[] ids, String id, boolean chat) {
        List<Completion> cs = generate(job, ids, null);
        ObjectNode root = head(id, chat ? "chat.completion" : "text_completion");
        ArrayNode choices = root.putArray("choices");
        int completionTokens = 0;
        for (int i = 0; i < cs.size(); i++) {
            Completion c = cs.get(i);
            completionTokens += c.tokens().length;
            ObjectNode ch = choices.addObject().put("index", i);
            if (chat) {
                ObjectNode msg = ch.putObject("message").put("role", "assistant");
                if (settings.rawReasoning()) {
                    msg.put("content", c.text());
                } else {
                    String[] parts = ReasoningSplitter.split(c.text(), job.promptOpensThink());
                    msg.put("content", parts[1]);
                    if (parts[0] != null) msg.put("reasoning_content", parts[0]).put("reasoning", parts[0]);
                }
            } else {
                ch.put("text", c.text()).putNull("logprobs");
            }
            ch.put("finish_reason", c.finish().label());
        }
        usage(root.putObject("usage"), ids.length, completionTokens);
        return root;
    }

    private ObjectNode head(String id, String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", System.currentTimeMillis() / 1000)
                .put("model", settings.modelId());
    }

    private static void usage(ObjectNode u, int prompt, int completion) {
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }

    /** Server-sent events: a role chunk per choice, deltas as they come, a finish chunk per choice, usage, [DONE]. */
    private void stream(HttpExchange ex, Job job, int[] ids, String id, boolean chat) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        String object = chat ? "chat.completion.chunk" : "text_completion";
        ReasoningSplitter[] split = new ReasoningSplitter[job.n()];
        StringBuilder[] sent = new StringBuilder[job.n()];
        for (int i = 0; i < job.n(); i++) {
            split[i] = new ReasoningSplitter(job.promptOpensThink());
            sent[i] = new StringBuilder();
            if (chat) event(out, chunk(id, object, i, delta -> delta.put("role", "assistant").put("content", ""), null));
        }
        Generator.Listener deltas = (request, sample, text) -> {
            sent[sample].append(text);
            if (!chat || settings.rawReasoning()) {
                event(out, chunk(id, object, sample, d -> d.put(chat ? "content" : "text", text), null));
                return;
            }
            for (ReasoningSplitter.Part p : split[sample].accept(text)) event(out, part(id, object, sample, p));
        };
        List<Completion> cs = generate(job, ids, deltas);
        int completionTokens = 0;
        for (int i = 0; i < cs.size(); i++) {
            completionTokens += cs.get(i).tokens().length;
            // The decoder holds back an incomplete UTF-8 sequence; at the end it is part of the text as the blocking
            // reply has it, so the streamed reply ends the same.
            String all = cs.get(i).text();
            if (all.length() > sent[i].length() && all.startsWith(sent[i].toString())) deltas.onText(0, i, all.substring(sent[i].length()));
            if (chat && !settings.rawReasoning()) for (ReasoningSplitter.Part p : split[i].finish()) event(out, part(id, object, i, p));
            event(out, chunk(id, object, i, d -> { }, cs.get(i).finish().label()));
        }
        if (job.includeUsage()) {
            ObjectNode u = head(id, object);
            u.putArray("choices");
            usage(u.putObject("usage"), ids.length, completionTokens);
            event(out, u);
        }
        write(out, "data: [DONE]\n\n");
    }

    private ObjectNode part(String id, String object, int index, ReasoningSplitter.Part p) {
        return chunk(id, object, index, d -> {
            if (p.reasoning()) d.put("reasoning_content", p.text()).put("reasoning", p.text());
            else d.put("content", p.text());
        }, null);
    }

    private ObjectNode chunk(String id, String object, int index, java.util.function.Consumer<ObjectNode> delta, String finish) {
        ObjectNode root = head(id, object);
        ObjectNode ch = root.putArray("choices").addObject().put("index", index);
        if (object.equals("text_completion")) {
            ObjectNode tmp = JSON.createObjectNode();
            delta.accept(tmp);
            ch.put("text", tmp.path("text").asText(""));
        } else {
            delta.accept(ch.putObject("delta"));
        }
        if (finish == null) ch.putNull("finish_reason");
        else ch.put("finish_reason", finish);
        return root;
    }

    private static void event(OutputStream out, ObjectNode chunk) {
        try {
            write(out, "data: " + JSON.writeValueAsString(chunk) + "\n\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A write to a client that went away throws, which stops its generation. */
    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }
}
