package r1j.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reward the user writes without rebuilding r1j, as TRL's reward functions and verl's sandbox are: a command
 * ({@code cmd:python3 my_reward.py}) or a local HTTP endpoint ({@code http://127.0.0.1:8000/score}) that receives a
 * batch of samples and returns one score each.
 *
 * <p>Each sample is {@code {"prompt", "completion", "answer", "row"}} (row: the data row's other fields). The
 * command gets them as JSONL on stdin and writes one line per sample on stdout; the endpoint gets a JSON array by
 * POST and answers with an array (or {@code {"scores": [...]}}). A score is a number or {@code {"score": x,
 * "reason": "..."}}. A batch must answer within the time limit; a failure, a wrong count or a non-number stops the
 * job with one line naming the reward and what went wrong.
 */
public final class ExternalReward implements Reward {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String spec;
    private final Duration timeout;

    public ExternalReward(String spec, Duration timeout) {
        if (!isExternal(spec)) throw new IllegalArgumentException("reward '" + spec + "' is neither cmd:COMMAND nor an http(s) URL");
        if (spec.startsWith("cmd:") && spec.substring(4).isBlank()) throw new IllegalArgumentException("reward 'cmd:' needs a command");
        this.spec = spec;
        this.timeout = timeout;
    }

    public static boolean isExternal(String spec) {
        return spec.startsWith("cmd:") || spec.startsWith("http://") || spec.startsWith("https://");
    }

    /** The time limit per batch: R1J_REWARD_TIMEOUT_S seconds, 60 by default. */
    public static Duration defaultTimeout() {
        String s = System.getenv("R1J_REWARD_TIMEOUT_S");
        try {
            return Duration.ofMillis((long) (1000 * (s == null ? 60 : Double.parseDouble(s))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("R1J_REWARD_TIMEOUT_S='" + s + "' is not a number of seconds");
        }
    }

    @Override
    public String name() {
        return spec.startsWith("cmd:") ? "cmd" : "http";
    }

    @Override
    public Score score(Sample s) {
        return scoreAll(List.of(s)).get(0);
    }

    @Override
    public List<Score> scoreAll(List<Sample> samples) {
        if (samples.isEmpty()) return List.of();
        ArrayNode batch = JSON.createArrayNode();
        for (Sample s : samples) batch.add(request(s));
        List<JsonNode> answers = spec.startsWith("cmd:") ? runCommand(batch) : post(batch);
        if (answers.size() != samples.size()) {
            throw failure("returned " + answers.size() + " scores for " + samples.size() + " samples");
        }
        List<Score> out = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) out.add(parse(answers.get(i), i));
        return out;
    }

    private static ObjectNode request(Sample s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("prompt", s.prompt());
        o.put("completion", s.completion());
        if (s.answer() == null) o.putNull("answer");
        else o.put("answer", s.answer());
        o.set("row", JSON.valueToTree(s.metadata()));
        return o;
    }

    private Score parse(JsonNode n, int i) {
        JsonNode v = n.isObject() ? n.get("score") : n;
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw failure("answer " + (i + 1) + " is " + n + ", not a number or {\"score\": number}");
        }
        String reason = n.isObject() && n.path("reason").isTextual() ? n.get("reason").asText() : name() + " reward";
        return new Score(v.asDouble(), reason);
    }

    private List<JsonNode> runCommand(ArrayNode batch) {
        String command = spec.substring(4);
        Path err = null;
        try {
            err = Files.createTempFile("r1j-reward", ".err");
            Process p = new ProcessBuilder("sh", "-c", command).redirectError(err.toFile()).start();
            // Write on another thread: a command that answers as it reads would otherwise fill both pipes.
            Thread writer = Thread.ofVirtual().start(() -> {
                try (var in = p.getOutputStream()) {
                    for (JsonNode s : batch) in.write((JSON.writeValueAsString(s) + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the command stopped reading; its exit status says why
                }
            });
            var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw failure("gave no answer within " + timeout.toSeconds() + " s (R1J_REWARD_TIMEOUT_S sets the limit)");
            }
            writer.join();
            String out = reading.get(5, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                String tail = Files.readString(err).strip();
                if (tail.length() > 300) tail = "…" + tail.substring(tail.length() - 300);
                throw failure("exited with status " + p.exitValue() + (tail.isEmpty() ? "" : ": " + tail.replace('\n', ' ')));
            }
            List<JsonNode> answers = new ArrayList<>();
            int line = 0;
            for (String l : out.split("\n")) {
                line++;
                if (l.isBlank()) continue;
                try {
                    answers.add(JSON.readTree(l));
                } catch (IOException e) {
                    throw failure("output line " + line + " is not JSON: " + AccuracyReward.clip(l));
                }
            }
            return answers;
        } catch (IOException e) {
            throw failure("could not run: " + e.getMessage());
        } catch (InterruptedException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw failure("failed: " + e);
        } finally {
            if (err != null) err.toFile().delete();
        }
    }

    private List<JsonNode> post(ArrayNode batch) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(spec)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(batch))).build();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw failure("answered HTTP " + r.statusCode() + ": " + AccuracyReward.clip(r.body()));
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                throw failure("answered with a body that is not JSON: " + AccuracyReward.clip(r.body()));
            }
            if (body != null && body.isObject() && body.has("scores")) body = body.get("scores");
            if (body == null || !body.isArray()) throw failure("answered " + AccuracyReward.clip(String.valueOf(body)) + ", not an array of scores");
            List<JsonNode> out = new ArrayList<>();
            body.forEach(out::add);
            return out;
        } catch (java.net.http.HttpTimeoutException e) {
            throw failure("gave no answer within " + timeout.toSeconds() + " s (R1J_REWARD_TIMEOUT_S sets the limit)");
        } catch (IOException e) {
            throw failure("could not be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException("reward '" + spec + "' " + what);
    }
}
