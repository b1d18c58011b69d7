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
import r1j.generate.GenerationConfig;
import r1j.io.Checkpoint;
import r1j.testing.FaultyModel;
import r1j.tokenizer.ChatTemplate;
import r1j.tokenizer.Tokenizer;

/**
 * Several LoRA adapters over one base (issue 35), as vLLM's --lora-modules: the request's model chooses, requests for
 * different adapters decode in the same steps, and each reply is exactly the reply of a server of that adapter alone
 * (the adapter loaded as the model's only one); adapters on MoE experts follow each row into its experts.
 */
class ServedAdaptersTest {
    @TempDir
    static Path tmp;
    static Path dir, a1, a2;
    static OpenAiServer multi;
    static FaultyModel model;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        dir = ServeFixture.model(tmp.resolve("m"));
        a1 = ServeFixture.adapter(dir, tmp.resolve("math"), 1);
        a2 = ServeFixture.adapter(dir, tmp.resolve("spanish"), 2);
        multi = OpenAiServer.start(ServeFixture.served(dir, m -> model = new FaultyModel(m, FaultyModel.Fault.NONE, -1), a1, a2),
                ServeFixture.settings().build());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (multi != null) multi.close();
        if (http != null) http.close();
    }

    /** The replies of a server of the base with this adapter as its only one (null: the base alone). */
    private static List<String> alone(Path adapter, List<String> questions) throws Exception {
        OpenAiServer.Served s = new OpenAiServer.Served(Checkpoint.loadFrozen(dir, adapter), Tokenizer.load(dir), ChatTemplate.load(dir),
                GenerationConfig.read(dir), List.of());
        List<String> out = new ArrayList<>();
        try (OpenAiServer one = OpenAiServer.start(s, ServeFixture.settings().build())) {
            for (int i = 0; i < questions.size(); i++) {
                out.add(ServeFixture.replyText(ServeFixture.post(http, ServeFixture.base(one) + "/v1/chat/completions",
                        ServeFixture.chat("nano", questions.get(i), 20 + i, 12, false)).body()));
            }
        }
        return out;
    }

    @Test
    void eachRequestGetsItsAdaptersReplyInAMixedBatch() throws Exception {
        List<String> questions = List.of("What is 1 + 2?", "What is 6 + 3?", "What is 4 + 4?");
        List<String> models = List.of("nano", "math", "spanish");
        List<List<String>> want = List.of(alone(null, questions), alone(a1, questions), alone(a2, questions));
        // The adapters change the replies.
        assertThat(want.get(1)).isNotEqualTo(want.get(0));
        assertThat(want.get(2)).isNotEqualTo(want.get(1));

        Semaphore gate = new Semaphore(0);
        model.gate(gate);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            String url = ServeFixture.base(multi) + "/v1/chat/completions";
            // A first request holds the decoder at the gate while all the others queue: then they are admitted together.
            Future<HttpResponse<String>> first = pool.submit(() -> ServeFixture.post(http, url, ServeFixture.chat("nano", "hi", 1, 2, false)));
            ServeFixture.await(() -> gate.getQueueLength() > 0, "a step at the gate");
            List<Future<HttpResponse<String>>> replies = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                for (int q = 0; q < questions.size(); q++) {
                    int mm = m, qq = q;
                    replies.add(pool.submit(() -> ServeFixture.post(http, url, ServeFixture.chat(models.get(mm), questions.get(qq), 20 + qq, 12, qq % 2 == 1))));
                }
            }
            ServeFixture.await(() -> multi.stats().decoder().waiting() >= replies.size(), "every request waiting");
            long mixed = multi.stats().decoder().mixedSteps();
            model.gate(null);
            gate.release(1_000_000);
            assertThat(first.get().statusCode()).isEqualTo(200);
            for (int m = 0; m < 3; m++) {
                for (int q = 0; q < questions.size(); q++) {
                    HttpResponse<String> r = replies.get(m * questions.size() + q).get();
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    String text = q % 2 == 1 ? ServeFixture.streamText(r.body()) : ServeFixture.replyText(r.body());
                    assertThat(text).as("%s, question %d", models.get(m), q).isEqualTo(want.get(m).get(q));
                    if (q % 2 == 0) assertThat(JSON.readTree(r.body()).get("model").asText()).isEqualTo(models.get(m));
                }
            }
            assertThat(multi.stats().decoder().mixedSteps()).isGreaterThan(mixed);
        } finally {
            model.gate(null);
            pool.shutdownNow();
        }
    }

    @Test
    void modelsListsTheBaseAndItsAdapters() throws Exception {
        JsonNode list = JSON.readTree(ServeFixture.get(http, ServeFixture.base(multi) + "/v1/models").body()).get("data");
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("id").asText()).isEqualTo("nano");
        assertThat(list.get(0).get("parent").isNull()).isTrue();
        assertThat(list.get(1).get("id").asText()).isEqualTo("math");
        assertThat(list.get(1).get("parent").asText()).isEqualTo("nano");
        JsonNode one = JSON.readTree(ServeFixture.get(http, ServeFixture.base(multi) + "/v1/models/spanish").body());
        assertThat(one.get("id").asText()).isEqualTo("spanish");
        assertThat(one.get("parent").asText()).isEqualTo("nano");
        HttpResponse<String> r = ServeFixture.post(http, ServeFixture.base(multi) + "/v1/chat/completions", ServeFixture.chat("french", "hi", 1, 2, false));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).contains("`math`").contains("`spanish`");
    }
}
