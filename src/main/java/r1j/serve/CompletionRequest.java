package r1j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import r1j.tokenizer.ChatTemplate;

/**
 * The body of /v1/chat/completions or /v1/completions, checked field by field before anything is rendered or
 * tokenized, as OpenAI's API reference defines the fields: every number range-checked as a number of its own type
 * (no int overflow), every text's size checked in characters, every refusal a 400 naming the field. Unknown fields
 * are ignored, as OpenAI-compatible servers do.
 *
 * @param model the model asked for, or null (the base model)
 * @param messages a chat's messages (null for a text completion)
 * @param prompt a text completion's prompt (null for a chat)
 * @param maxTokens max_completion_tokens, else max_tokens; null when neither is given
 * @param seed null when none is given (the server draws one)
 */
record CompletionRequest(String model, List<ChatTemplate.Message> messages, String prompt, Sampling sampling, Streaming streaming) {
    /**
     * How the request asks to sample (null: the model's generation_config.json, else the server's default): temperature,
     * top_p, top_k, max_tokens, n samples, the seed, and the stop strings.
     */
    record Sampling(Double temperature, Double topP, Integer topK, Integer maxTokens, int n, Long seed, List<String> stops) {}

    /** Whether to stream the reply as server-sent events, and whether its last event reports the usage. */
    record Streaming(boolean stream, boolean includeUsage) {}

    /** The bounds a request is checked against: characters of prompt text, samples, and the context. */
    record Limits(int maxPromptChars, int maxSamples, int maxContext) {}

    static final int MAX_MESSAGES = 10_000, MAX_STOPS = 16, MAX_STOP_CHARS = 256, MAX_SAMPLES = 16;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ROLES = List.of("system", "developer", "user", "assistant");

    /** Parses and checks a request body (UTF-8 JSON). */
    static CompletionRequest parse(byte[] body, boolean chat, Limits limits) {
        JsonNode req;
        try {
            // As UTF-8, as the API defines it: from raw bytes Jackson would guess UTF-16/32 from leading NULs and fail
            // with an I/O error instead of a parse error (found by ParsersFuzzTest).
            req = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw ApiError.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (req == null || !req.isObject()) throw ApiError.invalid(null, "The request body must be a JSON object.");
        String model = null;
        if (req.hasNonNull("model")) {
            if (!req.get("model").isTextual()) throw ApiError.invalid("model", "'model' must be a string.");
            model = req.get("model").asText();
        }
        List<ChatTemplate.Message> messages = chat ? messages(req, limits) : null;
        String prompt = chat ? null : prompt(req, limits);
        Double temperature = number(req, "temperature", 0, 2);
        Double topP = number(req, "top_p", 0, 1);
        if (topP != null && topP == 0) throw ApiError.invalid("top_p", "'top_p' must be greater than 0.");
        Long topK = integer(req, "top_k", -1, Integer.MAX_VALUE);
        // max_completion_tokens replaces max_tokens; a null one does not hide the other.
        String lengthKey = req.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        JsonNode mt = req.get(lengthKey);
        if (mt != null && mt.isIntegralNumber() && mt.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(limits.maxContext())) > 0) {
            throw new ApiError(400, "invalid_request_error", lengthKey, "context_length_exceeded", "This model's maximum context length is "
                    + limits.maxContext() + " tokens; '" + lengthKey + "' asks for " + brief(mt) + " in the completion alone.");
        }
        Long maxTokens = integer(req, lengthKey, 1, limits.maxContext());
        int maxN = Math.min(MAX_SAMPLES, limits.maxSamples());
        Long n = integer(req, "n", 1, maxN);
        Long seed = integer(req, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> stops = stops(req.get("stop"));
        JsonNode st = req.get("stream");
        if (st != null && !st.isNull() && !st.isBoolean()) throw ApiError.invalid("stream", "'stream' must be a boolean.");
        boolean stream = st != null && st.asBoolean();
        JsonNode so = req.get("stream_options");
        if (so != null && !so.isNull() && !so.isObject()) throw ApiError.invalid("stream_options", "'stream_options' must be an object.");
        JsonNode iu = so == null ? null : so.get("include_usage");
        if (iu != null && !iu.isNull() && !iu.isBoolean()) {
            throw ApiError.invalid("stream_options.include_usage", "'stream_options.include_usage' must be a boolean.");
        }
        Sampling sampling = new Sampling(temperature, topP, topK == null ? null : (int) Math.max(0, topK),
                maxTokens == null ? null : maxTokens.intValue(), n == null ? 1 : n.intValue(), seed, stops);
        return new CompletionRequest(model, messages, prompt, sampling, new Streaming(stream, iu != null && iu.asBoolean()));
    }

    private static List<ChatTemplate.Message> messages(JsonNode req, Limits limits) {
        JsonNode ms = req.get("messages");
        if (ms == null || !ms.isArray() || ms.isEmpty()) throw ApiError.invalid("messages", "'messages' must be a non-empty array.");
        if (ms.size() > MAX_MESSAGES) throw ApiError.invalid("messages", "'messages' has " + ms.size() + " messages; at most " + MAX_MESSAGES + ".");
        List<ChatTemplate.Message> out = new ArrayList<>();
        long chars = 0;
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            if (!m.isObject()) throw ApiError.invalid("messages[" + i + "]", "messages[" + i + "] must be an object.");
            JsonNode r = m.get("role");
            String role = r != null && r.isTextual() ? r.asText() : null;
            if (role == null || !ROLES.contains(role)) {
                throw ApiError.invalid("messages[" + i + "].role", "messages[" + i + "].role must be system, developer, user or assistant.");
            }
            String content = content(m.get("content"), i);
            chars += content.length();
            if (chars > limits.maxPromptChars()) throw tooLong("messages", chars, limits);
            out.add(new ChatTemplate.Message(role.equals("developer") ? "system" : role, content));
        }
        return out;
    }

    private static String prompt(JsonNode req, Limits limits) {
        JsonNode p = req.get("prompt");
        if (p != null && p.isArray() && p.size() == 1) p = p.get(0);
        if (p == null || !p.isTextual()) throw ApiError.invalid("prompt", "'prompt' must be a string (or an array of one string).");
        String s = p.asText();
        if (s.length() > limits.maxPromptChars()) throw tooLong("prompt", s.length(), limits);
        return s;
    }

    private static ApiError tooLong(String param, long chars, Limits limits) {
        return new ApiError(400, "invalid_request_error", param, "context_length_exceeded", "The " + param + " has more than "
                + limits.maxPromptChars() + " characters (" + chars + " so far), the most this server takes (--max-prompt-chars).");
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
        // An assistant turn may have no content (OpenAI allows null there).
        if (c == null || c.isNull()) return "";
        throw ApiError.invalid("messages[" + i + "].content", "messages[" + i + "].content must be a string or an array of text parts.");
    }

    private static List<String> stops(JsonNode stop) {
        List<String> stops = new ArrayList<>();
        if (stop == null || stop.isNull()) return stops;
        List<JsonNode> items = new ArrayList<>();
        if (stop.isArray()) stop.forEach(items::add);
        else items.add(stop);
        if (items.size() > MAX_STOPS) throw ApiError.invalid("stop", "'stop' has " + items.size() + " strings; at most " + MAX_STOPS + ".");
        for (JsonNode s : items) {
            if (!s.isTextual()) throw ApiError.invalid("stop", "'stop' must be a string or an array of strings.");
            String v = s.asText();
            if (v.isEmpty() || v.length() > MAX_STOP_CHARS) {
                throw ApiError.invalid("stop", "each stop string must have 1 to " + MAX_STOP_CHARS + " characters, not " + v.length() + ".");
            }
            stops.add(v);
        }
        return stops;
    }

    /** A number within [lo, hi], or null when absent or null. */
    private static Double number(JsonNode req, String key, double lo, double hi) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw ApiError.invalid(key, "'" + key + "' must be a number, not " + brief(v) + ".");
        double d = v.asDouble();
        if (!(d >= lo && d <= hi)) throw ApiError.invalid(key, "'" + key + "' must be between " + lo + " and " + hi + ", not " + brief(v) + ".");
        return d;
    }

    /** An integer within [lo, hi], compared without overflow, or null when absent or null. */
    private static Long integer(JsonNode req, String key, long lo, long hi) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber()) throw ApiError.invalid(key, "'" + key + "' must be an integer, not " + brief(v) + ".");
        java.math.BigInteger x = v.bigIntegerValue();
        if (x.compareTo(java.math.BigInteger.valueOf(lo)) < 0 || x.compareTo(java.math.BigInteger.valueOf(hi)) > 0) {
            throw ApiError.invalid(key, "'" + key + "' must be between " + lo + " and " + hi + ", not " + brief(v) + ".");
        }
        return x.longValue();
    }

    /** A value as the error message quotes it: at most 40 characters of its JSON. */
    private static String brief(JsonNode v) {
        String s = v.toString();
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
