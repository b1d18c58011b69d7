package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static r1j.serve.ServeFixture.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.testing.FaultyModel;
import r1j.tokenizer.Tokenizer;

/**
 * A failure inside a decoder step fails only the requests it touches (issue 35): a poisoned request batched with good
 * ones fails with a 500 naming the cause, the good ones get exactly the replies they get alone, and the decoder goes
 * on; /health reports not-ok while the model cannot generate and ok again when it can.
 */
class DecoderFaultsTest {
    @TempDir
    static Path tmp;
    static OpenAiServer server;
    static FaultyModel model;
    static HttpClient http;
    static String url;
    static int poison;

    @BeforeAll
    static void start() throws Exception {
        Path dir = ServeFixture.model(tmp.resolve("m"));
        int[] q = Tokenizer.load(dir).encode("Q", false);
        assertThat(q).hasSize(1);
        poison = q[0];
        OpenAiServer.Served s = ServeFixture.served(dir, m -> model = new FaultyModel(m, FaultyModel.Fault.NONE, poison));
        server = OpenAiServer.start(s, ServeFixture.settings().build());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        url = ServeFixture.base(server) + "/v1/chat/completions";
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (http != null) http.close();
    }

    private static HttpResponse<String> ask(String question, int seed, boolean stream) throws Exception {
        return ServeFixture.post(http, url, ServeFixture.chat("nano", question, seed, 10, stream));
    }

    /** Waits until the server's queue holds n requests (each already sent). */
    private static void awaitWaiting(int n) {
        ServeFixture.await(() -> server.stats().decoder().waiting() >= n, n + " requests waiting");
    }

    /**
     * Good requests and a poisoned one (blocking and streamed), queued behind a gated step so that they are admitted
     * together: one batched prefill, then batched decode steps.
     */
    private static void poisonedBatch(FaultyModel.Fault fault) throws Exception {
        List<String> questions = List.of("What is 1 + 2?", "What is 3 + 4?", "What is 5 + 6?", "What is 7 + 8?");
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) alone.add(ServeFixture.replyText(ask(questions.get(i), 10 + i, false).body()));
        long failedBefore = server.stats().decoder().failed();

        model.fault(fault);
        Semaphore gate = new Semaphore(0);
        model.gate(gate);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<HttpResponse<String>> blocker = pool.submit(() -> ask("What is 9 + 9?", 1, false));
            ServeFixture.await(() -> gate.getQueueLength() > 0, "a step at the gate");
            List<Future<HttpResponse<String>>> good = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) {
                int k = i;
                good.add(pool.submit(() -> ask(questions.get(k), 10 + k, k % 2 == 1)));
            }
            Future<HttpResponse<String>> bad = pool.submit(() -> ask("What is Q?", 5, false));
            Future<HttpResponse<String>> badStream = pool.submit(() -> ask("What is Q + Q?", 6, true));
            awaitWaiting(questions.size() + 2);
            model.gate(null);
            gate.release(1_000_000);

            assertThat(blocker.get().statusCode()).isEqualTo(200);
            for (int i = 0; i < good.size(); i++) {
                HttpResponse<String> r = good.get(i).get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                String text = i % 2 == 1 ? ServeFixture.streamText(r.body()) : ServeFixture.replyText(r.body());
                assertThat(text).as("request %d", i).isEqualTo(alone.get(i));
            }
            for (Future<HttpResponse<String>> f : List.of(bad, badStream)) {
                HttpResponse<String> r = f.get();
                String body = r.body();
                // A stream that failed before its first token is refused with the status; one that failed later ends
                // with an error event.
                JsonNode error = r.statusCode() == 500 ? JSON.readTree(body).get("error")
                        : JSON.readTree(body.lines().filter(l -> l.contains("\"error\"")).findFirst().orElseThrow().substring(6)).get("error");
                assertThat(error.get("type").asText()).isEqualTo("server_error");
                assertThat(error.get("message").asText()).contains("injected fault");
            }
        } finally {
            model.gate(null);
            model.fault(FaultyModel.Fault.NONE);
            pool.shutdownNow();
        }
        assertThat(server.stats().decoder().failed() - failedBefore).isEqualTo(2);
        // /metrics says the same as the server's own counters.
        String metrics = ServeFixture.get(http, ServeFixture.base(server) + "/metrics").body();
        assertThat(metrics).contains("# TYPE r1j_requests_total counter\n")
                .contains("r1j_requests_total{outcome=\"failed\"} " + server.stats().decoder().failed() + "\n")
                .contains("r1j_requests_total{outcome=\"completed\"} " + server.stats().decoder().completed() + "\n")
                .contains("r1j_generation_tokens_total " + server.stats().decoder().tokens() + "\n");
        ServeFixture.await(() -> server.stats().decoder().running() == 0, "no sequence running");
        // The last failure makes /health probe the model, which generates: ok.
        assertThat(ServeFixture.get(http, ServeFixture.base(server) + "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aFailedPrefillFailsOnlyItsRequest() throws Exception {
        poisonedBatch(FaultyModel.Fault.PREFILL);
    }

    @Test
    void aFailedDecodeStepFailsOnlyItsRequest() throws Exception {
        poisonedBatch(FaultyModel.Fault.DECODE);
    }

    @Test
    void healthIsNotOkWhileTheModelCannotGenerate() throws Exception {
        String health = ServeFixture.base(server) + "/health";
        assertThat(ServeFixture.get(http, health).statusCode()).isEqualTo(200);
        model.fault(FaultyModel.Fault.ALWAYS);
        try {
            HttpResponse<String> r = ask("What is 1 + 1?", 1, false);
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).contains("injected fault");
            HttpResponse<String> h = ServeFixture.get(http, health);
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(h.body()).get("reason").asText()).contains("cannot generate").contains("injected fault");
        } finally {
            model.fault(FaultyModel.Fault.NONE);
        }
        assertThat(ServeFixture.get(http, health).statusCode()).isEqualTo(200);
        assertThat(ask("What is 1 + 1?", 1, false).statusCode()).isEqualTo(200);
    }
}
