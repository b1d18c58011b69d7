package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.testing.FaultyModel;

/**
 * Slow or gone clients cost only themselves (issue 35): a client that closes its connection frees its slot at the
 * next token, blocking or streaming; a client that stops reading a stream is cancelled when its buffer fills while
 * the decoder serves the others. The decoder is stepped by a gate, one step per permit, so nothing here depends on
 * timing.
 */
class SlowAndGoneClientsTest {
    @TempDir
    static Path tmp;
    static OpenAiServer server;
    static FaultyModel model;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Path dir = ServeFixture.model(tmp.resolve("m"));
        server = OpenAiServer.start(ServeFixture.served(dir, m -> model = new FaultyModel(m, FaultyModel.Fault.NONE, -1)),
                ServeFixture.settings().streamBufferChars(64).build());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (http != null) http.close();
    }

    @AfterEach
    void openGate() {
        model.gate(null);
    }

    private static void awaitGateWaiter(Semaphore gate) {
        ServeFixture.await(() -> gate.getQueueLength() > 0, "a step at the gate");
    }

    /** Closes the client mid-generation, then lets one more step run: the request is gone, its tokens far fewer than asked. */
    private static void abortMidGeneration(boolean stream) throws Exception {
        long cancelled = server.stats().decoder().cancelled(), tokens = server.stats().decoder().tokens();
        Semaphore gate = new Semaphore(0);
        model.gate(gate);
        String body = ServeFixture.chat("nano", "What is 3 + 4?", 1, 200, stream);
        int open = server.stats().http().open();
        Socket s = ServeFixture.raw(server, ServeFixture.postHead("/v1/chat/completions", body.length()), body.getBytes(StandardCharsets.UTF_8));
        awaitGateWaiter(gate);
        gate.release();
        // The prefill ran and the first token was sampled; the next decode step waits at the gate.
        awaitGateWaiter(gate);
        s.close();
        // Its connection ends when the server sees the client gone (other clients' kept-alive ones stay).
        ServeFixture.await(() -> server.stats().http().open() <= open, "the client's connection closed");
        gate.release();
        // One more step lets the decoder see it; should a step come first, let it through too.
        ServeFixture.await(() -> {
            if (gate.getQueueLength() > 0) gate.release();
            return server.stats().decoder().cancelled() > cancelled;
        }, "the request cancelled");
        model.gate(null);
        gate.release(1000);
        ServeFixture.await(() -> server.stats().decoder().running() == 0, "no sequence running");
        assertThat(server.stats().decoder().tokens() - tokens).isLessThan(10);
    }

    @Test
    void aBlockingClientThatGoesAwayFreesItsSlotAtTheNextToken() throws Exception {
        abortMidGeneration(false);
    }

    @Test
    void aStreamingClientThatGoesAwayFreesItsSlotAtTheNextToken() throws Exception {
        abortMidGeneration(true);
    }

    /** A response body that blocks the writing thread until released: a client that stopped reading. */
    private static final class StuckExchange implements Exchange {
        final byte[] body;
        final CountDownLatch unblock = new CountDownLatch(1);
        final AtomicBoolean writing = new AtomicBoolean();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean responded;

        StuckExchange(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String path() {
            return "/v1/chat/completions";
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public void addHeader(String name, String value) {}

        @Override
        public void respond(int status, String contentType, byte[] b) {
            responded = true;
            written.writeBytes(b);
        }

        @Override
        public OutputStream startStream(int status, String contentType) {
            responded = true;
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writing.set(true);
                    try {
                        unblock.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    synchronized (written) {
                        written.write(b, off, len);
                    }
                }
            };
        }

        @Override
        public void onClientGone(Runnable gone) {}

        @Override
        public boolean responded() {
            return responded;
        }
    }

    @Test
    void aStreamWhoseClientStopsReadingIsCancelledWhileTheOthersDecode() throws Exception {
        long cancelled = server.stats().decoder().cancelled();
        StuckExchange stuck = new StuckExchange("{\"messages\": [{\"role\": \"user\", \"content\": \"What is 1 + 1?\"}], "
                + "\"temperature\": 1.0, \"seed\": 4, \"n\": 4, \"max_tokens\": 200, \"stream\": true}");
        Thread handler = Thread.ofVirtual().start(() -> {
            try {
                server.handle(stuck);
            } catch (IOException e) {
                // the stream's end is checked below
            }
        });
        ServeFixture.await(stuck.writing::get, "the stuck stream's first write");
        // Its writer is stuck; the decoder is not: another client's request is answered meanwhile.
        var r = ServeFixture.post(http, ServeFixture.base(server) + "/v1/chat/completions", ServeFixture.chat("nano", "What is 2 + 2?", 1, 8, false));
        assertThat(r.statusCode()).isEqualTo(200);
        ServeFixture.await(() -> server.stats().decoder().cancelled() > cancelled, "the stuck stream cancelled");
        ServeFixture.await(() -> server.stats().decoder().running() == 0, "no sequence running");
        stuck.unblock.countDown();
        handler.join();
        String sent = stuck.written.toString(StandardCharsets.UTF_8);
        assertThat(sent).contains("\"code\":\"client_too_slow\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aHeadRequestGetsTheHeadAloneAndTheConnectionGoesOn() throws Exception {
        try (Socket s = ServeFixture.raw(server, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nConnection: close\r\n\r\n", null)) {
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(3);
            assertThat(all.split("\\{\"status\":\"ok\"}", -1)).hasSize(2);
        }
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        String a = ServeFixture.chat("nano", "What is 1 + 2?", 3, 4, false), b = ServeFixture.chat("nano", "What is 2 + 1?", 5, 4, false);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ";
        try (Socket s = ServeFixture.raw(server, head + a.length() + "\r\n\r\n" + a + head + b.length() + "\r\nConnection: close\r\n\r\n" + b, null)) {
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(3);
        }
    }
}
