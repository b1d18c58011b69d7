package r1j.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import r1j.generate.Completion;
import r1j.generate.GenerationConfig;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.generate.ServingLoop;
import r1j.model.LanguageModel;
import r1j.model.Lora;
import r1j.model.Transformer;
import r1j.tensor.LowRank;
import r1j.tokenizer.ChatTemplate;
import r1j.tokenizer.InertText;
import r1j.tokenizer.Tokenizer;

/**
 * An OpenAI-compatible HTTP server for one base model and any number of LoRA adapters over it, as llama.cpp's and
 * vLLM's servers offer one: /v1/chat/completions (with the model's chat template; streamed as server-sent events
 * ending in "data: [DONE]"), /v1/completions, /v1/models and /v1/models/{id}, /health and /metrics. A reasoning
 * model's think block comes back in reasoning_content (and reasoning, the newer name) and its answer in content, as
 * DeepSeek's API gives them. Errors have OpenAI's body: {"error": {message, type, param, code}}.
 *
 * <p>Requests are batched continuously ({@link ServingLoop}): one decoder thread steps every running request
 * together, requests for different adapters included (each row through its own adapter), and admits waiting ones
 * at each step. No request can stop it for the others:
 * <ul>
 *   <li>input is bounded before it costs anything: the body by its declared size (413), prompt text in characters
 *       before tokenizing and in tokens after, every number range-checked ({@link CompletionRequest});</li>
 *   <li>a failure inside a step fails only the requests it touches, with a 500 naming the cause (logged with its
 *       stack trace), and /health turns 503 while the model cannot generate;</li>
 *   <li>streams are written by their own connection's thread from a bounded buffer ({@link StreamBuffer}): a client
 *       that stops reading is cancelled when its buffer fills and dropped when a write blocks past the write timeout
 *       ({@link HttpTransport}); a client that closes its connection, streaming or not, frees its slot at the next
 *       token;</li>
 *   <li>the API key is compared in constant time; a browser's cross-origin request is refused unless its origin is
 *       allowed (--cors-origin); message text never becomes control tokens ({@link InertText}).</li>
 * </ul>
 */
public final class OpenAiServer implements AutoCloseable {
    /** What a server serves: the base model, its tokenizer, chat template and generation defaults, and the names of the
     * adapters attached to the model's weights in slots 0, 1, … ({@link Lora#loadServed}). */
    public record Served(LanguageModel model, Tokenizer tokenizer, ChatTemplate template, GenerationConfig generation,
                         List<String> adapters) {
        public Served {
            adapters = List.copyOf(adapters);
        }

        /**
         * A model folder (frozen, 16-bit weights staying 16-bit) with LoRA adapters by name, each in its own slot in the
         * order given, and the folder's tokenizer, chat template and generation config.
         */
        public static Served load(Path dir, Map<String, Path> adapters) throws IOException {
            return load(dir, adapters, r1j.tensor.FrozenDtype.STORED);
        }

        /** The same with the model's matrices held in dtype (8-bit Q8_0 blocks with {@code Q8}). */
        public static Served load(Path dir, Map<String, Path> adapters, r1j.tensor.FrozenDtype dtype) throws IOException {
            Transformer m = r1j.io.Checkpoint.loadFrozen(dir, null, dtype);
            int slot = 0;
            for (Path a : adapters.values()) Lora.loadServed(a, m, slot++);
            ChatTemplate template = ChatTemplate.load(dir);
            if (template == null) throw new IllegalArgumentException(dir + ": no chat_template in tokenizer_config.json or chat_template.jinja");
            return new Served(m, Tokenizer.load(dir), template, GenerationConfig.read(dir), List.copyOf(adapters.keySet()));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("r1j.serve");
    /** How long /health waits for its probe of the model. */
    private static final long PROBE_SECONDS = 30;

    private final Served served;
    private final ServeSettings settings;
    private final CompletionRequest.Limits limits;
    private final int[] stopTokens;
    private final byte[] keyDigest;
    private final ServingLoop loop;
    private final Thread decoder;
    private final HttpTransport http;
    private final long created = System.currentTimeMillis() / 1000;
    /** The last failure inside the model, until a generation succeeds again; null while healthy. */
    private volatile Throwable lastFailure;

    private OpenAiServer(Served served, ServeSettings settings, LongSupplier clock) throws IOException {
        this.served = served;
        this.settings = settings;
        int context = settings.maxContext();
        this.limits = new CompletionRequest.Limits(settings.promptCharLimit(context), settings.maxBatch(), context);
        this.stopTokens = served.generation().stopTokens(served.model(), served.tokenizer());
        this.keyDigest = settings.apiKey() == null ? null : sha256(settings.apiKey());
        List<String> names = new ArrayList<>(List.of(settings.modelId()));
        for (String a : served.adapters()) {
            if (a.isBlank() || names.contains(a)) throw new IllegalArgumentException("adapter name '" + a + "' is empty or taken (names must be unique)");
            names.add(a);
        }
        loop = new ServingLoop(new Generator(served.model(), served.tokenizer(), settings.maxBatch()), !served.adapters().isEmpty());
        HttpTransport.Limits hl = new HttpTransport.Limits(64 * 1024, settings.maxBodyBytes(), settings.maxConnections(),
                settings.readTimeout().toNanos(), settings.writeTimeout().toNanos(), settings.idleTimeout().toNanos());
        // Bind first: the decoder starts only once nothing can fail any more (a server that failed to start must leave
        // no decoder behind).
        http = new HttpTransport(new InetSocketAddress(settings.host(), settings.port()), hl, this::handle, OpenAiServer::errorBody, clock);
        decoder = Thread.ofPlatform().name("r1j-decoder").daemon().start(() -> {
            try {
                loop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "the decoder stopped", t);
            }
        });
    }

    /** Starts a server; a maxContext of 0 in settings means the model's max_position_embeddings. */
    public static OpenAiServer start(Served served, ServeSettings settings) throws IOException {
        return start(served, settings, System::nanoTime);
    }

    /** As {@link #start(Served, ServeSettings)}, with the clock its timeouts are read off (a test's own). */
    static OpenAiServer start(Served served, ServeSettings settings, LongSupplier clock) throws IOException {
        if (served.template() == null) throw new IllegalArgumentException("the served model needs a chat template");
        ServeSettings s = settings.maxContext() > 0 ? settings : settings.withMaxContext(served.model().config().max_position_embeddings());
        return new OpenAiServer(served, s, clock);
    }

    /** A server for a model folder and LoRA adapters by name ({@link Served#load}). */
    public static OpenAiServer of(Path dir, Map<String, Path> adapters, ServeSettings settings) throws IOException {
        return start(Served.load(dir, adapters), settings);
    }

    /** The port it listens on (useful with port 0). */
    public int port() {
        return http.port();
    }

    /** What the decoder and the transport have done (what /metrics shows). */
    public record Stats(ServingLoop.Stats decoder, HttpTransport.Stats http) {}

    public Stats stats() {
        return new Stats(loop.stats(), http.stats());
    }

    /** Drops connections past their deadlines now (the transport does this a few times per timeout). */
    void reap() {
        http.reap();
    }

    @Override
    public void close() {
        http.close();
        loop.close();
        try {
            decoder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- routing ------------------------------------------------------------------------------------------------

    /** Answers one request; every refusal in OpenAI's error shape, every unexpected failure a logged 500. */
    void handle(Exchange ex) throws IOException {
        try {
            route(ex);
        } catch (ApiError e) {
            if (!ex.responded()) ex.respond(e.status, "application/json", errorBody(e));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error answering " + ex.method() + " " + ex.path(), e);
            if (!ex.responded()) ex.respond(500, "application/json", errorBody(500, "internal error: " + e));
        }
    }

    private void route(Exchange ex) throws IOException {
        String path = ex.path(), method = ex.method();
        if (!allowedOrigin(ex)) return;
        if (method.equals("OPTIONS")) {
            ex.respond(204, null, new byte[0]);
            return;
        }
        if (path.equals("/health")) {
            only(method, "GET");
            health(ex);
            return;
        }
        if (path.equals("/metrics")) {
            only(method, "GET");
            ex.respond(200, "text/plain; version=0.0.4", metrics().getBytes(StandardCharsets.UTF_8));
            return;
        }
        authorise(ex);
        if (path.equals("/v1/models")) {
            only(method, "GET");
            ObjectNode root = JSON.createObjectNode().put("object", "list");
            ArrayNode data = root.putArray("data");
            for (int slot = LowRank.BASE; slot < served.adapters().size(); slot++) data.add(model(slot));
            send(ex, 200, root);
        } else if (path.startsWith("/v1/models/")) {
            only(method, "GET");
            send(ex, 200, model(slot(java.net.URLDecoder.decode(path.substring("/v1/models/".length()), StandardCharsets.UTF_8))));
        } else if (path.equals("/v1/chat/completions") || path.equals("/v1/completions")) {
            only(method, "POST");
            complete(ex, path.equals("/v1/chat/completions"));
        } else {
            throw new ApiError(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: " + method + " " + path);
        }
    }

    private static void only(String method, String allowed) {
        if (method.equals("HEAD") && allowed.equals("GET")) return;
        if (!method.equals(allowed)) throw new ApiError(405, "invalid_request_error", null, "method_not_allowed", "Use " + allowed + " here, not " + method + ".");
    }

    /**
     * A browser sends Origin with every cross-origin request, and even a "simple" text/plain POST, which it sends without
     * asking first, would run here: unless the origin is allowed, such a request is refused (403) before it runs.
     * Clients that are not browsers send no Origin. An allowed origin gets CORS headers and its preflight answered.
     */
    private boolean allowedOrigin(Exchange ex) throws IOException {
        String origin = ex.header("origin");
        if (origin == null) return true;
        List<String> allowed = settings.corsOrigins();
        if (!allowed.contains("*") && !allowed.contains(origin)) {
            ex.respond(403, "application/json", errorBody(new ApiError(403, "invalid_request_error", null, "origin_not_allowed",
                    "Requests from the web origin " + origin + " are not allowed; start the server with --cors-origin " + origin + " to allow them.")));
            return false;
        }
        ex.addHeader("Access-Control-Allow-Origin", allowed.contains("*") ? "*" : origin);
        ex.addHeader("Vary", "Origin");
        if (ex.method().equals("OPTIONS")) {
            ex.addHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            // The headers the page asks for (OpenAI's JavaScript client sends its own x-stainless-* ones).
            String asked = ex.header("access-control-request-headers");
            ex.addHeader("Access-Control-Allow-Headers", asked != null && asked.matches("[A-Za-z0-9_, -]{1,1000}") ? asked : "Authorization, Content-Type");
            ex.addHeader("Access-Control-Max-Age", "600");
        }
        return true;
    }

    /** The key, compared as digests with MessageDigest.isEqual: the time taken says nothing about how much matched. */
    private void authorise(Exchange ex) {
        if (keyDigest == null) return;
        String h = ex.header("authorization");
        String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : "";
        if (!MessageDigest.isEqual(sha256(given), keyDigest)) {
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key", "Incorrect API key provided.");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The adapter slot of a model id ({@link LowRank#BASE} for the base model), or 404. */
    private int slot(String id) {
        if (id == null || id.equals(settings.modelId())) return LowRank.BASE;
        int i = served.adapters().indexOf(id);
        if (i >= 0) return i;
        List<String> all = new ArrayList<>(List.of(settings.modelId()));
        all.addAll(served.adapters());
        throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                "The model `" + id + "` does not exist; this server serves " + all.stream().map(m -> "`" + m + "`").toList() + ".");
    }

    private ObjectNode model(int slot) {
        String id = slot == LowRank.BASE ? settings.modelId() : served.adapters().get(slot);
        ObjectNode m = JSON.createObjectNode().put("id", id).put("object", "model").put("created", created).put("owned_by", "r1j")
                .put("root", id).put("max_model_len", settings.maxContext());
        if (slot == LowRank.BASE) m.putNull("parent");
        else m.put("parent", settings.modelId());
        return m;
    }

    // ---- health and metrics ---------------------------------------------------------------------------------------

    /**
     * 200 while the model generates; 503 when the decoder has stopped, or when the last request failed inside the model
     * and a one-token probe through the decoder fails too (or does not finish in 30 s).
     */
    private void health(Exchange ex) throws IOException {
        String problem = null;
        if (!decoder.isAlive()) problem = "the decoder has stopped";
        else if (lastFailure != null) problem = probe();
        ObjectNode body = JSON.createObjectNode().put("status", problem == null ? "ok" : "error");
        if (problem != null) body.put("reason", problem);
        send(ex, problem == null ? 200 : 503, body);
    }

    /** Generates one token of a one-token prompt; null when it works, else why not. */
    private String probe() {
        Integer bos = served.tokenizer().bosId();
        CompletableFuture<List<Completion>> r = new CompletableFuture<>();
        loop.submit(new ServingLoop.Admission(new int[] {bos != null ? bos : 0}, 0, 1, SamplingParams.greedy(1), LowRank.BASE,
                new Pending(r, new AtomicBoolean())));
        try {
            r.get(PROBE_SECONDS, TimeUnit.SECONDS);
            lastFailure = null;
            return null;
        } catch (ExecutionException e) {
            return "the model cannot generate: " + e.getCause();
        } catch (TimeoutException e) {
            return "a one-token generation did not finish in " + PROBE_SECONDS + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Prometheus' text format, as vLLM's /metrics gives it: one family per counter or gauge, labelled by outcome. */
    private String metrics() {
        ServingLoop.Stats d = loop.stats();
        HttpTransport.Stats h = http.stats();
        StringBuilder m = new StringBuilder();
        family(m, "r1j_requests_total", "counter", "completed", d.completed(), "failed", d.failed(), "cancelled", d.cancelled());
        family(m, "r1j_generation_tokens_total", "counter", null, d.tokens());
        family(m, "r1j_decode_steps_total", "counter", null, d.steps());
        family(m, "r1j_decode_steps_mixed_adapters_total", "counter", null, d.mixedSteps());
        family(m, "r1j_running_sequences", "gauge", null, d.running());
        family(m, "r1j_waiting_requests", "gauge", null, d.waiting());
        family(m, "r1j_http_connections", "gauge", null, h.open());
        family(m, "r1j_http_connections_total", "counter", "accepted", h.accepted(), "refused", h.refused(),
                "dropped_idle", h.droppedIdle(), "dropped_read", h.droppedRead(), "dropped_write", h.droppedWrite());
        return m.toString();
    }

    /** One metric family: its TYPE line, then each (outcome, value) pair; a null outcome is an unlabelled value. */
    private static void family(StringBuilder m, String name, String type, Object... outcomeValue) {
        m.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (int i = 0; i < outcomeValue.length; i += 2) {
            m.append(name);
            if (outcomeValue[i] != null) m.append("{outcome=\"").append(outcomeValue[i]).append("\"}");
            m.append(' ').append(outcomeValue[i + 1]).append('\n');
        }
    }

    // ---- completions -------------------------------------------------------------------------------------------

    /** A request ready for the decoder: its prompt tokens, whether the prompt opened a think block, and its sampling. */
    private record Job(CompletionRequest request, int adapter, int[] ids, boolean opensThink, SamplingParams params, long seed) {}

    private void complete(Exchange ex, boolean chat) throws IOException {
        CompletionRequest req = CompletionRequest.parse(ex.body(), chat, limits);
        int adapter = slot(req.model());
        String rendered;
        int[] ids;
        if (chat) {
            // Message text stays text: special-token strings in it are encoded as characters (InertText).
            InertText inert = new InertText(served.tokenizer());
            List<ChatTemplate.Message> ms = new ArrayList<>();
            for (ChatTemplate.Message m : req.messages()) ms.add(new ChatTemplate.Message(m.role(), inert.protect(m.content(), m.role().equals("assistant"))));
            try {
                rendered = served.template().render(ms, true, Map.of());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("messages", inert.restore(e.getMessage()));
            }
            ids = inert.encode(rendered);
        } else {
            rendered = req.prompt();
            ids = served.tokenizer().encode(rendered, false);
        }
        String what = chat ? "messages" : "prompt";
        if (ids.length == 0) throw ApiError.invalid(what, "The " + what + " is empty: it has no tokens to continue.");
        int context = settings.maxContext();
        if (ids.length >= context) {
            throw new ApiError(400, "invalid_request_error", what, "context_length_exceeded", "This model's maximum context length is "
                    + context + " tokens. However, the " + what + " alone has " + ids.length + " tokens.");
        }
        int maxTokens = req.sampling().maxTokens() != null ? req.sampling().maxTokens() : Math.min(256, context - ids.length);
        long total = (long) ids.length + maxTokens;
        if (total > context) {
            throw new ApiError(400, "invalid_request_error", what, "context_length_exceeded", "This model's maximum context length is "
                    + context + " tokens. However, you requested " + total + " tokens (" + ids.length + " in the " + what + ", "
                    + maxTokens + " in the completion).");
        }
        GenerationConfig gc = served.generation();
        float temperature = (float) (req.sampling().temperature() != null ? req.sampling().temperature() : gc.temperature() != null ? gc.temperature() : 1.0);
        float topP = (float) (req.sampling().topP() != null ? req.sampling().topP() : gc.topP() != null ? gc.topP() : 1.0);
        int topK = req.sampling().topK() != null ? req.sampling().topK() : gc.topK() != null ? gc.topK() : 0;
        SamplingParams sp = SamplingParams.builder().temperature(temperature).topP(topP).topK(topK)
                .maxNewTokens(maxTokens).stopStrings(req.sampling().stops()).stopTokens(stopTokens).build();
        long seed = req.sampling().seed() != null ? req.sampling().seed() : System.nanoTime();
        Job job = new Job(req, adapter, ids, chat && rendered.stripTrailing().endsWith(ReasoningSplitter.OPEN), sp, seed);
        String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(System.nanoTime());
        if (req.streaming().stream()) stream(ex, job, id, chat);
        else send(ex, 200, whole(ex, job, id, chat));
    }

    /** A blocking request's side of the decoder: the result, and whether its client went away. */
    private record Pending(CompletableFuture<List<Completion>> result, AtomicBoolean gone) implements ServingLoop.Client {
        @Override
        public void onDone(List<Completion> completions) {
            result.complete(completions);
        }

        @Override
        public void onFailed(Throwable cause) {
            result.completeExceptionally(cause);
        }

        @Override
        public boolean cancelled() {
            return gone.get();
        }
    }

    private ObjectNode whole(Exchange ex, Job job, String id, boolean chat) throws IOException {
        CompletableFuture<List<Completion>> result = new CompletableFuture<>();
        AtomicBoolean gone = new AtomicBoolean();
        loop.submit(new ServingLoop.Admission(job.ids(), job.seed(), job.request().sampling().n(), job.params(), job.adapter(), new Pending(result, gone)));
        ex.onClientGone(() -> {
            // Its slot is freed at the next token; this thread stops waiting now.
            gone.set(true);
            result.completeExceptionally(new ClientGone());
        });
        List<Completion> cs;
        try {
            cs = result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientGone g) throw g;
            throw failure(e.getCause(), id);
        }
        lastFailure = null;
        ObjectNode root = head(id, chat ? "chat.completion" : "text_completion", job);
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
                    String[] parts = ReasoningSplitter.split(c.text(), job.opensThink());
                    msg.put("content", parts[1]);
                    if (parts[0] != null) msg.put("reasoning_content", parts[0]).put("reasoning", parts[0]);
                }
            } else {
                ch.put("text", c.text()).putNull("logprobs");
            }
            ch.put("finish_reason", c.finish().label());
        }
        usage(root.putObject("usage"), job.ids().length, completionTokens);
        return root;
    }

    /** The client closed its connection before its reply: nothing more is written to it. */
    private static final class ClientGone extends IOException {
        ClientGone() {
            super("the client went away");
        }
    }

    /**
     * A request the decoder failed: refused at admission (400), cancelled for a client too slow to read its stream, or a
     * failure inside the model (500, logged, and /health probes the model until a generation succeeds).
     */
    private ApiError failure(Throwable cause, String id) {
        if (cause instanceof ServingLoop.Refused r) return ApiError.invalid(null, r.getMessage());
        if (cause instanceof StreamBuffer.ClientTooSlow slow) return new ApiError(408, "invalid_request_error", null, "client_too_slow", slow.getMessage());
        lastFailure = cause;
        LOG.log(System.Logger.Level.ERROR, "request " + id + " failed inside the decoder", cause);
        return new ApiError(500, "server_error", null, "generation_failed", "The model failed on this request: " + cause);
    }

    private ObjectNode head(String id, String object, Job job) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", System.currentTimeMillis() / 1000)
                .put("model", job.adapter() == LowRank.BASE ? settings.modelId() : served.adapters().get(job.adapter()));
    }

    private static void usage(ObjectNode u, int prompt, int completion) {
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }

    /**
     * Server-sent events, written by this connection's thread from the request's {@link StreamBuffer}: a role chunk per
     * choice, deltas as they settle, a finish chunk per choice, usage when asked, [DONE]. The response starts with the
     * first thing the decoder produces, so a request it refuses still gets its status (400 or 500).
     */
    private void stream(Exchange ex, Job job, String id, boolean chat) throws IOException {
        int n = job.request().sampling().n();
        StreamBuffer buffer = new StreamBuffer(n, settings.streamBufferChars());
        AtomicBoolean gone = new AtomicBoolean();
        loop.submit(new ServingLoop.Admission(job.ids(), job.seed(), n, job.params(), job.adapter(), buffer));
        ex.onClientGone(() -> {
            gone.set(true);
            buffer.close();
        });
        try {
            StreamBuffer.Batch batch = take(buffer, gone);
            // Refused or failed before its first token: the status says so. (A client already too slow still gets the
            // text it has, then the error event.)
            if (batch.failed() != null && !(batch.failed() instanceof StreamBuffer.ClientTooSlow)) throw failure(batch.failed(), id);
            ex.addHeader("Cache-Control", "no-cache");
            ex.addHeader("X-Accel-Buffering", "no");
            OutputStream out = ex.startStream(200, "text/event-stream");
            Events events = new Events(id, chat ? "chat.completion.chunk" : "text_completion", job, chat);
            for (int i = 0; chat && i < n; i++) events.role(i);
            while (true) {
                for (int i = 0; i < n; i++) if (batch.text()[i] != null) events.text(i, batch.text()[i]);
                if (batch.failed() != null) {
                    events.error(batch.failed());
                } else if (batch.done() != null) {
                    lastFailure = null;
                    events.finish(batch.done());
                }
                out.write(events.drain());
                if (batch.ended()) {
                    out.close();
                    return;
                }
                batch = take(buffer, gone);
            }
        } catch (IOException e) {
            gone.set(true);
            buffer.close();
            throw e;
        }
    }

    private static StreamBuffer.Batch take(StreamBuffer buffer, AtomicBoolean gone) throws IOException {
        try {
            StreamBuffer.Batch b = buffer.take();
            if (gone.get() && !b.ended()) throw new ClientGone();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** The events of one stream, gathered into one write per batch. */
    private final class Events {
        private final String id, object;
        private final Job job;
        private final boolean chat;
        private final ReasoningSplitter[] split;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Events(String id, String object, Job job, boolean chat) {
            this.id = id;
            this.object = object;
            this.job = job;
            this.chat = chat;
            split = new ReasoningSplitter[job.request().sampling().n()];
            for (int i = 0; i < split.length; i++) split[i] = new ReasoningSplitter(job.opensThink());
        }

        void role(int index) {
            event(chunk(index, d -> d.put("role", "assistant").put("content", ""), null));
        }

        void text(int index, String text) {
            if (!chat || settings.rawReasoning()) {
                event(chunk(index, d -> d.put(chat ? "content" : "text", text), null));
                return;
            }
            for (ReasoningSplitter.Part p : split[index].accept(text)) part(index, p);
        }

        void finish(List<Completion> cs) {
            int completionTokens = 0;
            for (int i = 0; i < cs.size(); i++) {
                completionTokens += cs.get(i).tokens().length;
                if (chat && !settings.rawReasoning()) for (ReasoningSplitter.Part p : split[i].finish()) part(i, p);
                event(chunk(i, d -> { }, cs.get(i).finish().label()));
            }
            if (job.request().streaming().includeUsage()) {
                ObjectNode u = head(id, object, job);
                u.putArray("choices");
                usage(u.putObject("usage"), job.ids().length, completionTokens);
                event(u);
            }
            done();
        }

        /** A failure after the stream began: an error event as OpenAI's API sends one, then [DONE]. */
        void error(Throwable cause) {
            event(JSON.createObjectNode().set("error", errorJson(failure(cause, id))));
            done();
        }

        private void done() {
            out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }

        private void part(int index, ReasoningSplitter.Part p) {
            event(chunk(index, d -> {
                if (p.reasoning()) d.put("reasoning_content", p.text()).put("reasoning", p.text());
                else d.put("content", p.text());
            }, null));
        }

        private ObjectNode chunk(int index, java.util.function.Consumer<ObjectNode> delta, String finish) {
            ObjectNode root = head(id, object, job);
            ObjectNode ch = root.putArray("choices").addObject().put("index", index);
            if (!chat) {
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

        private void event(ObjectNode chunk) {
            try {
                out.writeBytes(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] drain() {
            byte[] b = out.toByteArray();
            out.reset();
            return b;
        }
    }

    // ---- bodies -----------------------------------------------------------------------------------------------------

    private static void send(Exchange ex, int status, ObjectNode body) throws IOException {
        ex.respond(status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static ObjectNode errorJson(ApiError e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("message", e.getMessage());
        o.put("type", e.type);
        if (e.param == null) o.putNull("param");
        else o.put("param", e.param);
        if (e.code == null) o.putNull("code");
        else o.put("code", e.code);
        return o;
    }

    private static byte[] errorBody(ApiError e) {
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode().set("error", errorJson(e)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    /** The transport's own refusals (413, 431, 503, …) in the same shape. */
    static byte[] errorBody(int status, String message) {
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String code = switch (status) {
            case 413 -> "request_too_large";
            case 431 -> "headers_too_large";
            case 503 -> "server_busy";
            default -> null;
        };
        return errorBody(new ApiError(status, type, null, code, message));
    }
}
