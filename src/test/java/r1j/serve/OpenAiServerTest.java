package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * r1j serve with real clients: the official openai-java client (blocking and streaming), plain HTTP for the error
 * bodies, and concurrent streams that each get their own complete reply.
 */
class OpenAiServerTest {
    private static final String KEY = "sk-test";
    @TempDir
    static Path tmp;
    private static OpenAiServer server;
    private static OpenAIClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Path dir = ServeFixture.model(tmp.resolve("m"));
        server = OpenAiServer.start(ServeFixture.served(dir, m -> m), ServeFixture.settings().apiKey(KEY).build());
        base = "http://127.0.0.1:" + server.port() + "/v1";
        client = OpenAIOkHttpClient.builder().baseUrl(base).apiKey(KEY).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String q, long seed) {
        return ChatCompletionCreateParams.builder().model("nano").addUserMessage(q).temperature(1.0).seed(seed).maxCompletionTokens(12);
    }

    /** What a reply says, reasoning and content together, as one string. */
    private static String blocking(String q, long seed) {
        ChatCompletion c = client.chat().completions().create(ask(q, seed).build());
        var m = c.choices().get(0).message();
        String reasoning = m._additionalProperties().containsKey("reasoning_content")
                ? m._additionalProperties().get("reasoning_content").convert(String.class) : "";
        return reasoning + "|" + m.content().orElse("");
    }

    private static String streamed(String q, long seed) {
        StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask(q, seed).build())) {
            s.stream().forEach(chunk -> {
                for (var ch : chunk.choices()) {
                    ch.delta().content().ifPresent(content::append);
                    var extra = ch.delta()._additionalProperties().get("reasoning_content");
                    if (extra != null) reasoning.append(extra.convert(String.class));
                }
            });
        }
        return reasoning.toString().strip() + "|" + content;
    }

    @Test
    void theOfficialClientBlockingAndStreamingGetTheSameReply() {
        ChatCompletion c = client.chat().completions().create(ask("What is 2 + 3?", 7).build());
        assertThat(c.model()).isEqualTo("nano");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).finishReason().asString()).isIn("stop", "length");
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 12L);
        assertThat(streamed("What is 2 + 3?", 7)).isEqualTo(blocking("What is 2 + 3?", 7));
        assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly("nano");
    }

    @Test
    void langchain4jsOpenAiChatModelGetsTheSameReply() {
        var lc = dev.langchain4j.model.openai.OpenAiChatModel.builder().baseUrl(base).apiKey(KEY).modelName("nano")
                .temperature(1.0).maxTokens(12).seed(7).build();
        String content = blocking("What is 2 + 3?", 7);
        assertThat(lc.chat("What is 2 + 3?")).isEqualTo(content.substring(content.indexOf('|') + 1));
    }

    @Test
    void concurrentStreamsEachGetTheirOwnCompleteReply() throws Exception {
        int n = 8;
        List<String> want = new ArrayList<>();
        for (int i = 0; i < n; i++) want.add(blocking("What is " + i + " + 1?", 100 + i));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                got.add(pool.submit(() -> streamed("What is " + k + " + 1?", 100 + k)));
            }
            for (int i = 0; i < n; i++) assertThat(got.get(i).get()).as("stream %d", i).isEqualTo(want.get(i));
        } finally {
            pool.shutdownNow();
        }
    }

    /** The load of `r1j bench serve`, bounded: 64 streams from 16 clients, every reply complete and its own. */
    @Test
    void aBoundedLoadCompletesEveryReplyAsItsOwn() throws Exception {
        r1j.bench.ServeBench.Result r = r1j.bench.ServeBench.run(base, "nano", KEY, 64, 16, 8);
        assertThat(r.requests()).isEqualTo(64);
        assertThat(r.checkedAlone()).isEqualTo(8);
        assertThat(r.completionTokens()).isBetween(64L, 64L * 8);
        assertThat(r.latency().p99Seconds()).isGreaterThanOrEqualTo(r.latency().p50Seconds());
    }

    @Test
    void errorsHaveOpenAisStatusAndBody() throws Exception {
        assertThatThrownBy(() -> OpenAIOkHttpClient.builder().baseUrl(base).apiKey("wrong").build().chat().completions()
                .create(ask("hi", 1).build())).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> client.chat().completions().create(ask("hi", 1).model("gpt-4o").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("gpt-4o");
        assertThatThrownBy(() -> client.chat().completions().create(ask("hi", 1).maxCompletionTokens(100_000).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("maximum context length is 256 tokens");
        assertThatThrownBy(() -> client.chat().completions().create(ask("hi", 1).maxCompletionTokens(255).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("you requested");
        HttpClient http = HttpClient.newHttpClient();
        for (String[] c : new String[][] {{"{not json", "400", "not valid JSON"}, {"{\"messages\": \"hi\"}", "400", "'messages' must be"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": \"hot\"}", "400", "'temperature' must be a number"},
                {"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 0}", "400", "'n' must be between 1 and 16"}}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                    .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(c[0])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            JsonNode err = new ObjectMapper().readTree(r.body()).get("error");
            assertThat(err.get("message").asText()).as(c[0]).contains(c[2]);
            assertThat(err.get("type").asText()).isEqualTo("invalid_request_error");
        }
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void aStreamEndsWithUsageAndDone() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"nano\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 5, \"n\": 2,"
                                + " \"stream\": true, \"stream_options\": {\"include_usage\": true}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
        List<String> events = new ArrayList<>();
        for (String line : r.body().split("\n")) if (line.startsWith("data: ")) events.add(line.substring(6));
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        JsonNode usage = new ObjectMapper().readTree(events.get(events.size() - 2));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isBetween(2, 10);
        long finishes = events.stream().filter(e -> e.contains("\"finish_reason\":\"")).count();
        assertThat(finishes).isEqualTo(2);
    }
}
