package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static r1j.serve.ServeFixture.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak (issue 35): thousands of mixed requests from concurrent clients on loopback — good ones blocking and
 * streamed, bad ones of every kind, clients that give up mid-reply, clients that read a few bytes at a time — after
 * which every good request was answered with exactly its reply alone, the server's connections, sequences and
 * threads are back to none, its heap is back to where it started, and /health is ok. R1J_SOAK_REQUESTS sets the
 * number of requests (default 2,000).
 */
class ServeSoakTest {
    private static final String KEY = "sk-soak";
    private static final List<String> QUESTIONS = List.of("What is 1 + 2?", "What is 3 + 5?", "What is 9 + 4?", "What is 2 + 2?",
            "What is 7 + 1?", "What is 6 + 6?", "What is 8 + 3?", "What is 5 + 0?");
    /** Requests a good client's replies are checked against: (question, seed) → the blocking reply alone. */
    private final List<String> reference = new ArrayList<>();

    @TempDir
    Path tmp;

    private static String ask(int k, boolean stream) {
        return ServeFixture.chat("nano", QUESTIONS.get(k % QUESTIONS.size()), 100 + k % QUESTIONS.size(), 8, stream);
    }

    @Test
    void thousandsOfMixedRequestsLeaveTheServerAsItWas() throws Exception {
        int requests = Integer.parseInt(System.getenv().getOrDefault("R1J_SOAK_REQUESTS", "2000"));
        Path dir = ServeFixture.model(tmp.resolve("m"));
        try (OpenAiServer server = OpenAiServer.start(ServeFixture.served(dir, m -> m), ServeFixture.settings().apiKey(KEY).build())) {
            String url = ServeFixture.base(server) + "/v1/chat/completions";
            try (HttpClient warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                for (int k = 0; k < QUESTIONS.size(); k++) {
                    reference.add(ServeFixture.replyText(ServeFixture.post(warm, url, ask(k, false), "Authorization", "Bearer " + KEY).body()));
                }
                // A full batch once, so that every buffer the decoder keeps is there before the heap is measured.
                ExecutorService p = Executors.newVirtualThreadPerTaskExecutor();
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    int k = i;
                    fs.add(p.submit(() -> ServeFixture.post(warm, url, ask(k, k % 2 == 0), "Authorization", "Bearer " + KEY)));
                }
                for (Future<?> f : fs) f.get();
                p.shutdown();
            }
            awaitQuiet(server);
            long heapBefore = heapAfterGc();
            int threadsBefore = serverThreads();

            AtomicInteger good = new AtomicInteger(), checked = new AtomicInteger();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                 ExecutorService clients = Executors.newFixedThreadPool(16)) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    int k = i;
                    fs.add(clients.submit(() -> {
                        try {
                            one(k, server, http, url, good, checked);
                        } catch (Throwable e) {
                            problems.add("request " + k + " (kind " + k % 10 + "): " + e);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            }
            assertThat(problems).isEmpty();
            assertThat(checked.get()).isEqualTo(good.get()).isGreaterThan(requests / 2);

            awaitQuiet(server);
            assertThat(server.stats().decoder().running()).isZero();
            assertThat(server.stats().decoder().waiting()).isZero();
            assertThat(server.stats().http().open()).isZero();
            assertThat(serverThreads()).isEqualTo(threadsBefore);
            assertThat(heapAfterGc()).isLessThan(heapBefore + (32L << 20));
            try (HttpClient h = HttpClient.newHttpClient()) {
                assertThat(ServeFixture.get(h, ServeFixture.base(server) + "/health").statusCode()).isEqualTo(200);
            }
        }
    }

    /** One client's request, of kind k % 10; a good one's reply is checked against its reference. */
    private void one(int k, OpenAiServer server, HttpClient http, String url, AtomicInteger good, AtomicInteger checked) throws Exception {
        String auth = "Bearer " + KEY;
        switch (k % 10) {
            case 0, 1, 2, 3, 4 -> {
                boolean stream = k % 10 >= 3;
                good.incrementAndGet();
                HttpResponse<String> r = ServeFixture.post(http, url, ask(k, stream), "Authorization", auth);
                if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
                String text = stream ? ServeFixture.streamText(r.body()) : ServeFixture.replyText(r.body());
                if (!text.equals(reference.get(k % QUESTIONS.size()))) throw new AssertionError("a reply not its own: " + text);
                checked.incrementAndGet();
            }
            case 5 -> {
                String[] bad = {"{not json", "{\"messages\": []}", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2147483647}",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 1000}", "{\"prompt\": 7}",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": \"hot\"}",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": [\"\"]}"};
                HttpResponse<String> r = ServeFixture.post(http, url, bad[k / 10 % bad.length], "Authorization", auth);
                expectError(r.statusCode(), r.body(), 400);
            }
            case 6 -> {
                int which = k / 10 % 4;
                if (which == 0) {
                    HttpResponse<String> r = ServeFixture.post(http, url, ask(k, false), "Authorization", "Bearer wrong");
                    expectError(r.statusCode(), r.body(), 401);
                } else if (which == 1) {
                    HttpResponse<String> r = ServeFixture.post(http, url, ask(k, false).replace("\"nano\"", "\"gpt-4o\""), "Authorization", auth);
                    expectError(r.statusCode(), r.body(), 404);
                } else {
                    String head = which == 2 ? ServeFixture.postHead("/v1/chat/completions", 64L << 20, "Authorization: " + auth)
                            : "GARBAGE\r\n\r\n";
                    try (Socket s = ServeFixture.raw(server, head, null)) {
                        String reply = ServeFixture.readAll(s);
                        if (!reply.startsWith(which == 2 ? "HTTP/1.1 413 " : "HTTP/1.1 400 ")) throw new AssertionError(reply);
                    }
                }
            }
            case 7, 8 -> {
                // Gives up: a blocking request closed at once, or a stream closed after its first bytes.
                boolean stream = k % 10 == 8;
                String body = ServeFixture.chat("nano", QUESTIONS.get(k % QUESTIONS.size()), k, 64, stream);
                try (Socket s = ServeFixture.raw(server, ServeFixture.postHead("/v1/chat/completions", body.length(), "Authorization: " + auth),
                        body.getBytes(StandardCharsets.UTF_8))) {
                    if (stream) s.getInputStream().read(new byte[64]);
                }
            }
            default -> {
                // Reads slowly: a small receive buffer, 64 bytes at a time, then checks the whole stream.
                good.incrementAndGet();
                String body = ask(k, true);
                try (Socket s = new Socket()) {
                    s.setReceiveBufferSize(1024);
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()));
                    s.getOutputStream().write((ServeFixture.postHead("/v1/chat/completions", body.length(), "Authorization: " + auth) + body)
                            .getBytes(StandardCharsets.UTF_8));
                    String text = ServeFixture.streamText(dechunk(readSlowly(s.getInputStream())));
                    if (!text.equals(reference.get(k % QUESTIONS.size()))) throw new AssertionError("a slow reader's reply not its own: " + text);
                    checked.incrementAndGet();
                }
            }
        }
    }

    private static void expectError(int status, String body, int want) throws IOException {
        if (status != want) throw new AssertionError("HTTP " + status + " instead of " + want + ": " + body);
        JsonNode e = JSON.readTree(body).get("error");
        if (e == null || !e.has("message") || !e.has("type")) throw new AssertionError("not OpenAI's error shape: " + body);
    }

    private static byte[] readSlowly(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] b = new byte[64];
        for (int n; (n = in.read(b)) >= 0; ) all.write(b, 0, n);
        return all.toByteArray();
    }

    /** The body of a chunked HTTP/1.1 response. */
    private static String dechunk(byte[] response) {
        String all = new String(response, StandardCharsets.ISO_8859_1);
        if (!all.startsWith("HTTP/1.1 200 ")) throw new AssertionError(all.substring(0, Math.min(200, all.length())));
        int at = all.indexOf("\r\n\r\n") + 4;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int eol = all.indexOf("\r\n", at);
            int size = Integer.parseInt(all.substring(at, eol), 16);
            if (size == 0) break;
            body.write(response, eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Waits until nothing decodes, waits or stays connected (the clients have closed their connections). */
    private static void awaitQuiet(OpenAiServer server) {
        ServeFixture.await(() -> server.stats().decoder().running() == 0 && server.stats().decoder().waiting() == 0
                && server.stats().http().open() == 0, "no sequence, request or connection left");
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Threads of the server, virtual ones included (a JSON thread dump has them): connection, watcher and its own. */
    private int serverThreads() throws IOException {
        Path f = tmp.resolve("threads-" + System.nanoTime() + ".json");
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(f.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        int n = 0;
        for (JsonNode c : JSON.readTree(Files.readString(f)).path("threadDump").path("threadContainers")) {
            for (JsonNode t : c.path("threads")) if (t.path("name").asText().startsWith("r1j-http")) n++;
        }
        return n;
    }
}
