package r1j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.serve.OpenAiServer;
import r1j.serve.ServeSettings;
import r1j.tensor.VectorSupport;

/** {@code r1j serve}: the model (and its LoRA adapters) behind an OpenAI-compatible HTTP API until interrupted. */
@Command(name = "serve", description = "Serve a model and LoRA adapters over the OpenAI API (/v1/chat/completions, /v1/completions, "
        + "/v1/models, /health, /metrics).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model folder with its tokenizer and chat template.")
    Path model;

    @Option(names = "--adapter", description = "A LoRA adapter (PEFT's format) served beside the base as NAME=DIR, as vLLM's "
            + "--lora-modules (DIR alone: named after its folder); repeatable. A request's 'model' chooses; all are batched together.")
    List<String> adapters = List.of();

    @picocli.CommandLine.Mixin
    FrozenDtypeOption frozenDtype = new FrozenDtypeOption();

    @Option(names = "--host", description = "The address to bind (default: " + ServeSettings.DEFAULT_HOST + ", loopback).")
    String host = ServeSettings.DEFAULT_HOST;

    @Option(names = "--port", description = "The port (default: " + ServeSettings.DEFAULT_PORT + "; 0: any free one).")
    int port = ServeSettings.DEFAULT_PORT;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' (default: R1J_API_KEY, else none).")
    String apiKey = System.getenv("R1J_API_KEY");

    @Option(names = "--name", description = "The base model's id (default: the folder's name).")
    String name;

    @Option(names = "--max-context", description = "Prompt plus completion tokens (default: max_position_embeddings).")
    int maxContext;

    @Option(names = "--max-batch", description = "Sequences decoded together, all requests' samples (default: " + ServeSettings.DEFAULT_MAX_BATCH + ").")
    int maxBatch = ServeSettings.DEFAULT_MAX_BATCH;

    @Option(names = "--raw-reasoning", description = "Return the think block inside content instead of reasoning_content.")
    boolean raw;

    @Option(names = "--cors-origin", description = "A web origin allowed to call the API from a browser ('*': any); repeatable. "
            + "Default: none, and requests that carry an Origin header are refused.")
    List<String> corsOrigins = List.of();

    @Option(names = "--max-body-bytes", description = "The largest request body; larger is refused with 413 unread (default: "
            + ServeSettings.DEFAULT_MAX_BODY_BYTES + ").")
    long maxBodyBytes = ServeSettings.DEFAULT_MAX_BODY_BYTES;

    @Option(names = "--max-prompt-chars", description = "The most characters of prompt or message text, checked before tokenizing "
            + "(default: " + ServeSettings.CHARS_PER_TOKEN + " per token of the context).")
    int maxPromptChars;

    @Option(names = "--max-connections", description = "Connections open at once; more are answered 503 (default: "
            + ServeSettings.DEFAULT_MAX_CONNECTIONS + ").")
    int maxConnections = ServeSettings.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--stream-buffer-chars", description = "Text a stream may have waiting for a slow client before the request "
            + "is cancelled (default: " + ServeSettings.DEFAULT_STREAM_BUFFER_CHARS + ").")
    int streamBufferChars = ServeSettings.DEFAULT_STREAM_BUFFER_CHARS;

    @Option(names = "--write-timeout", description = "Seconds one write to a client may block before it is dropped (default: "
            + ServeSettings.DEFAULT_WRITE_TIMEOUT_SECONDS + ").")
    int writeTimeout = ServeSettings.DEFAULT_WRITE_TIMEOUT_SECONDS;

    @Option(names = "--read-timeout", description = "Seconds to read a request's head and body (default: "
            + ServeSettings.DEFAULT_READ_TIMEOUT_SECONDS + ").")
    int readTimeout = ServeSettings.DEFAULT_READ_TIMEOUT_SECONDS;

    @Option(names = "--idle-timeout", description = "Seconds a kept-alive connection may wait for its next request (default: "
            + ServeSettings.DEFAULT_IDLE_TIMEOUT_SECONDS + ").")
    int idleTimeout = ServeSettings.DEFAULT_IDLE_TIMEOUT_SECONDS;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        String id = name != null ? name : model.toAbsolutePath().normalize().getFileName().toString();
        ServeSettings settings;
        try {
            settings = ServeSettings.builder().host(host).port(port).modelId(id).apiKey(apiKey).maxContext(maxContext)
                    .rawReasoning(raw).maxBatch(maxBatch).maxBodyBytes(maxBodyBytes).maxPromptChars(maxPromptChars)
                    .maxConnections(maxConnections).streamBufferChars(streamBufferChars).writeTimeout(Duration.ofSeconds(writeTimeout))
                    .readTimeout(Duration.ofSeconds(readTimeout)).idleTimeout(Duration.ofSeconds(idleTimeout)).corsOrigins(corsOrigins).build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        try (OpenAiServer s = OpenAiServer.start(OpenAiServer.Served.load(model, adapters(adapters), frozenDtype.dtype()), settings)) {
            System.err.printf("r1j: serving %s%s on http://%s:%d/v1 (%s)%n", id, adapters.isEmpty() ? "" : " and adapters "
                    + String.join(", ", adapters(adapters).keySet()), host, s.port(), apiKey == null ? "no API key" : "API key required");
            Thread.currentThread().join();
        }
        return 0;
    }

    /** NAME=DIR (or DIR, named after its folder) in the order given. */
    static Map<String, Path> adapters(List<String> specs) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            Path dir = Path.of(eq < 0 ? spec : spec.substring(eq + 1));
            String n = eq < 0 ? dir.toAbsolutePath().normalize().getFileName().toString() : spec.substring(0, eq);
            if (n.isBlank()) throw new UserError("--adapter " + spec + ": the name before '=' is empty");
            if (out.put(n, dir) != null) throw new UserError("--adapter " + spec + ": the name '" + n + "' is given twice");
        }
        return out;
    }
}
