package r1j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code r1j bench serve}: a bounded load on a running OpenAI-compatible server (r1j serve, or any other): concurrent
 * streaming chat requests, each checked to be complete (a finish reason, then [DONE]) and its own (every chunk of a
 * stream carries the stream's id; a sample of replies equals the same request made alone, blocking), with tokens/s
 * and latency percentiles, after one untimed round of as many requests as clients.
 */
public final class ServeBench {
    /** One serving measurement: requests, concurrency, the completion tokens and their throughput. */
    public record Result(int requests, int concurrency, long completionTokens, double seconds, Latency latency, int checkedAlone) {
        /** Completion tokens per second of the whole load. */
        public double tokensPerSecond() {
            return completionTokens / seconds;
        }
    }

    /** The requests' latency: median and 99th percentile of the whole reply, and the median of the first token. */
    public record Latency(double p50Seconds, double p99Seconds, double firstTokenP50Seconds) {}

    private ServeBench() {}

    private record Reply(String id, String text, int tokens, double seconds, double firstToken) {}

    public static Result run(String base, String model, String key, int requests, int concurrency, int maxTokens) throws Exception {
        return run(base, model, key, requests, concurrency, maxTokens, 8);
    }

    /**
     * checks: how many replies are compared with the same request made alone (0: none, for servers whose replies depend
     * on the batch).
     */
    public static Result run(String base, String model, String key, int requests, int concurrency, int maxTokens, int checks) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Reply>> fs = new ArrayList<>();
        try {
            // One untimed round first: a JIT-compiled server is measured warm, as a native one always is.
            List<Future<Reply>> warm = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                int k = requests + i;
                warm.add(pool.submit(() -> stream(http, base, model, key, k, maxTokens)));
            }
            for (Future<Reply> f : warm) f.get();
            long t0 = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                int k = i;
                fs.add(pool.submit(() -> stream(http, base, model, key, k, maxTokens)));
            }
            List<Reply> replies = new ArrayList<>();
            for (Future<Reply> f : fs) replies.add(f.get());
            double seconds = (System.nanoTime() - t0) / 1e9;
            long tokens = 0;
            double[] lat = new double[requests], first = new double[requests];
            for (int i = 0; i < requests; i++) {
                tokens += replies.get(i).tokens();
                lat[i] = replies.get(i).seconds();
                first[i] = replies.get(i).firstToken();
            }
            int checked = 0;
            for (int i = 0; checks > 0 && i < requests && checked < checks; i += Math.max(1, requests / checks)) {
                String alone = blocking(http, base, model, key, i, maxTokens);
                if (!alone.equals(replies.get(i).text())) {
                    throw new IllegalStateException("request " + i + ": the streamed reply under load differs from the same request alone");
                }
                checked++;
            }
            Arrays.sort(lat);
            Arrays.sort(first);
            return new Result(requests, concurrency, tokens, seconds, new Latency(lat[requests / 2],
                    lat[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)], first[requests / 2]), checked);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends, once more if the server closed a kept-alive connection before answering (llama.cpp's server closes them
     * after a few requests; the client only learns it when no response comes).
     */
    private static <T> HttpResponse<T> send(HttpClient http, HttpRequest req, HttpResponse.BodyHandler<T> handler) throws Exception {
        try {
            return http.send(req, handler);
        } catch (java.io.IOException e) {
            return http.send(req, handler);
        }
    }

    private static String body(String model, int k, int maxTokens, boolean stream) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"What is " + (k % 10) + " + "
                + (k % 7) + "?\"}], \"temperature\": 1.0, \"seed\": " + k + ", \"max_tokens\": " + maxTokens
                + (stream ? ", \"stream\": true, \"stream_options\": {\"include_usage\": true}" : "") + "}";
    }

    private static HttpRequest request(String base, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b.build();
    }

    private static Reply stream(HttpClient http, String base, String model, String key, int k, int maxTokens) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = send(http, request(base, key, body(model, k, maxTokens, true)), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) throw new IllegalStateException("request " + k + ": HTTP " + r.statusCode());
        String id = null;
        StringBuilder text = new StringBuilder();
        int tokens = -1;
        double first = -1;
        boolean finished = false, done = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                JsonNode c = json.readTree(data);
                if (id == null) id = c.get("id").asText();
                else if (!id.equals(c.get("id").asText())) throw new IllegalStateException("request " + k + ": a chunk of another stream");
                if (c.has("usage") && !c.get("usage").isNull()) tokens = c.get("usage").get("completion_tokens").asInt();
                for (JsonNode ch : c.path("choices")) {
                    JsonNode d = ch.path("delta");
                    for (String f : new String[] {"reasoning_content", "content"}) {
                        if (d.path(f).isTextual() && !d.get(f).asText().isEmpty()) {
                            if (first < 0) first = (System.nanoTime() - t0) / 1e9;
                            text.append(d.get(f).asText());
                        }
                    }
                    if (ch.path("finish_reason").isTextual()) finished = true;
                }
            }
        }
        if (!finished || !done || tokens < 0) throw new IllegalStateException("request " + k + ": the stream ended before its finish, usage and [DONE]");
        return new Reply(id, text.toString(), tokens, (System.nanoTime() - t0) / 1e9, Math.max(0, first));
    }

    private static String blocking(HttpClient http, String base, String model, String key, int k, int maxTokens) throws Exception {
        HttpResponse<String> r = send(http, request(base, key, body(model, k, maxTokens, false)), HttpResponse.BodyHandlers.ofString());
        JsonNode m = new ObjectMapper().readTree(r.body()).path("choices").path(0).path("message");
        return m.path("reasoning_content").asText("") + m.path("content").asText("");
    }
}
