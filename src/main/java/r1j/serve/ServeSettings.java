package r1j.serve;

import java.time.Duration;
import java.util.List;

/**
 * How a server serves: where it listens, who may call it, and the bounds no request may pass. Built by name
 * ({@link #builder()}); every default is defined here once, and {@code r1j serve --help} shows the same values.
 *
 * @param host the address to bind: loopback unless told otherwise
 * @param port the port (0: any free one)
 * @param modelId the id clients ask for in {@code model} (the base model's; adapters have their own)
 * @param apiKey the key clients must send as {@code Authorization: Bearer KEY}; null: none
 * @param maxContext prompt plus completion tokens; 0: the model's max_position_embeddings
 * @param rawReasoning return the think block inside content instead of reasoning_content
 * @param maxBatch sequences decoded together (all running requests' samples)
 * @param maxBodyBytes the largest request body; a larger one is refused with 413 before it is read
 * @param maxPromptChars the most characters of prompt or message text, checked before tokenizing; 0: 16 per token
 *     of maxContext (no tokenizer here makes tokens longer on average)
 * @param maxConnections connections open at once; more are answered 503 and closed
 * @param streamBufferChars text a stream may have waiting for its client; past it the request is cancelled
 * @param writeTimeout how long one write to a client may block before the connection is dropped
 * @param readTimeout how long reading one request's head and body may take in all
 * @param idleTimeout how long a kept-alive connection may wait for its next request
 * @param corsOrigins the web origins allowed to call the API from a browser ("*": any); empty: none, and a request
 *     that carries an Origin header is refused
 */
public record ServeSettings(String host, int port, String modelId, String apiKey, int maxContext, boolean rawReasoning,
                            int maxBatch, long maxBodyBytes, int maxPromptChars, int maxConnections, int streamBufferChars,
                            Duration writeTimeout, Duration readTimeout, Duration idleTimeout, List<String> corsOrigins) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    /** Characters per token of maxContext when maxPromptChars is 0. */
    public static final int CHARS_PER_TOKEN = 16;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_STREAM_BUFFER_CHARS = 256 * 1024;
    public static final int DEFAULT_WRITE_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_READ_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

    public ServeSettings {
        if (modelId == null || modelId.isBlank()) throw new IllegalArgumentException("the served model needs an id");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be within 0–65535, got " + port);
        if (maxContext < 0) throw new IllegalArgumentException("--max-context must be ≥ 0 (0: the model's), got " + maxContext);
        if (maxBatch < 1) throw new IllegalArgumentException("--max-batch must be ≥ 1, got " + maxBatch);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("--max-body-bytes must be ≥ 1024, got " + maxBodyBytes);
        if (maxPromptChars < 0) throw new IllegalArgumentException("--max-prompt-chars must be ≥ 0 (0: 16 per token of context), got " + maxPromptChars);
        if (maxConnections < 1) throw new IllegalArgumentException("--max-connections must be ≥ 1, got " + maxConnections);
        if (streamBufferChars < 1) throw new IllegalArgumentException("--stream-buffer-chars must be ≥ 1, got " + streamBufferChars);
        for (Duration d : List.of(writeTimeout, readTimeout, idleTimeout)) {
            if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeouts must be positive, got " + d);
        }
        if (apiKey != null && apiKey.isEmpty()) apiKey = null;
        corsOrigins = List.copyOf(corsOrigins);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prompt character limit in force for a context of maxContext tokens. */
    int promptCharLimit(int context) {
        return maxPromptChars > 0 ? maxPromptChars : (int) Math.min(Integer.MAX_VALUE, (long) CHARS_PER_TOKEN * context);
    }

    /** These settings with another context limit (the model's, when 0 was asked). */
    ServeSettings withMaxContext(int context) {
        return toBuilder().maxContext(context).build();
    }

    /** A builder holding these settings, to change some by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sets each field by name; what is not set keeps its default. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String modelId = "model";
        private String apiKey;
        private int maxContext;
        private boolean rawReasoning;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int maxPromptChars;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int streamBufferChars = DEFAULT_STREAM_BUFFER_CHARS;
        private Duration writeTimeout = Duration.ofSeconds(DEFAULT_WRITE_TIMEOUT_SECONDS);
        private Duration readTimeout = Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS);
        private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
        private List<String> corsOrigins = List.of();

        private Builder() {}

        private Builder(ServeSettings s) {
            host = s.host; port = s.port; modelId = s.modelId; apiKey = s.apiKey; maxContext = s.maxContext;
            rawReasoning = s.rawReasoning; maxBatch = s.maxBatch; maxBodyBytes = s.maxBodyBytes; maxPromptChars = s.maxPromptChars;
            maxConnections = s.maxConnections; streamBufferChars = s.streamBufferChars; writeTimeout = s.writeTimeout;
            readTimeout = s.readTimeout; idleTimeout = s.idleTimeout; corsOrigins = s.corsOrigins;
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder modelId(String v) {
            modelId = v;
            return this;
        }

        public Builder apiKey(String v) {
            apiKey = v;
            return this;
        }

        public Builder maxContext(int v) {
            maxContext = v;
            return this;
        }

        public Builder rawReasoning(boolean v) {
            rawReasoning = v;
            return this;
        }

        public Builder maxBatch(int v) {
            maxBatch = v;
            return this;
        }

        public Builder maxBodyBytes(long v) {
            maxBodyBytes = v;
            return this;
        }

        public Builder maxPromptChars(int v) {
            maxPromptChars = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder streamBufferChars(int v) {
            streamBufferChars = v;
            return this;
        }

        public Builder writeTimeout(Duration v) {
            writeTimeout = v;
            return this;
        }

        public Builder readTimeout(Duration v) {
            readTimeout = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder corsOrigins(List<String> v) {
            corsOrigins = v;
            return this;
        }

        public ServeSettings build() {
            return new ServeSettings(host, port, modelId, apiKey, maxContext, rawReasoning, maxBatch, maxBodyBytes,
                    maxPromptChars, maxConnections, streamBufferChars, writeTimeout, readTimeout, idleTimeout, corsOrigins);
        }
    }
}
