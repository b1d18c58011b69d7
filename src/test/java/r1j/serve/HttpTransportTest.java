package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport's deadlines, on a clock the test moves: a client that stops reading is dropped once one write has
 * blocked past the write timeout, one that trickles its head past the read timeout, an idle one past the idle
 * timeout; each costs its own connection only.
 */
class HttpTransportTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong();
    private HttpTransport transport;

    private HttpTransport start(HttpTransport.Handler handler) throws IOException {
        return start(handler, 16);
    }

    private HttpTransport start(HttpTransport.Handler handler, int maxConnections) throws IOException {
        HttpTransport.Limits limits = new HttpTransport.Limits(8192, 1 << 20, maxConnections, 30 * SECOND, 30 * SECOND, 60 * SECOND);
        transport = new HttpTransport(new InetSocketAddress("127.0.0.1", 0), limits, handler, OpenAiServer::errorBody, clock::get);
        return transport;
    }

    @AfterEach
    void stop() {
        if (transport != null) transport.close();
    }

    private static Socket connect(HttpTransport t, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", t.port()));
        return s;
    }

    @Test
    void aClientThatStopsReadingIsDroppedAfterTheWriteTimeout() throws Exception {
        AtomicReference<Throwable> writerEnded = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean();
        HttpTransport t = start(ex -> {
            writing.set(true);
            try (OutputStream out = ex.startStream(200, "text/event-stream")) {
                byte[] chunk = new byte[64 * 1024];
                // 256 MB: far more than any socket buffers hold, so the writes block once they are full.
                for (int i = 0; i < 4096; i++) out.write(chunk);
            } catch (IOException e) {
                writerEnded.set(e);
                throw e;
            }
        });
        try (Socket s = connect(t, 4096)) {
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // Never read. Once the handler writes, each round moves the clock past the deadline; a write blocked then
            // is dropped.
            ServeFixture.await(writing::get, "the handler writing");
            ServeFixture.await(() -> {
                clock.addAndGet(31 * SECOND);
                t.reap();
                return writerEnded.get() != null;
            }, "the blocked writer dropped");
            assertThat(writerEnded.get()).hasMessageContaining("the client went away");
            assertThat(t.stats().droppedWrite()).isEqualTo(1);
        }
        ServeFixture.await(() -> t.stats().open() == 0, "no connection open");
    }

    @Test
    void aHeadTrickledPastTheReadTimeoutAndAnIdleConnectionAreDropped() throws Exception {
        HttpTransport t = start(ex -> ex.respond(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8)));
        try (Socket slow = connect(t, 0); Socket idle = connect(t, 0); Socket good = connect(t, 0)) {
            ServeFixture.await(() -> t.stats().open() == 3, "three connections open");
            slow.getOutputStream().write("GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            // Once the server has its first byte, the connection is reading.
            ServeFixture.await(() -> t.stats().reading() == 1, "a connection reading");
            clock.addAndGet(SECOND);
            good.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = good.getInputStream();
            byte[] buf = new byte[256];
            int n = in.read(buf);
            assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 OK");
            // 31 s on: the trickling head is past its 30 s; the idle one (60 s) and the answered one (idle again) are not.
            clock.addAndGet(31 * SECOND);
            t.reap();
            assertThat(slow.getInputStream().read()).isEqualTo(-1);
            assertThat(t.stats().droppedRead()).isEqualTo(1);
            assertThat(t.stats().droppedIdle()).isZero();
            clock.addAndGet(30 * SECOND);
            t.reap();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(t.stats().droppedIdle()).isEqualTo(2);
        }
    }

    @Test
    void connectionsOverTheLimitAreAnswered503AndClosed() throws Exception {
        HttpTransport t = start(ex -> ex.respond(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8)), 2);
        try (Socket a = connect(t, 0); Socket b = connect(t, 0)) {
            ServeFixture.await(() -> t.stats().open() == 2, "two connections open");
            try (Socket c = connect(t, 0)) {
                String reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(reply).startsWith("HTTP/1.1 503 ").contains("\"code\":\"server_busy\"");
            }
            assertThat(t.stats().refused()).isEqualTo(1);
            // The two within the limit are served.
            a.getOutputStream().write("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(a.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 OK");
        }
    }
}
