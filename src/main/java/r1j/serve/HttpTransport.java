package r1j.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The server's HTTP/1.1 transport: blocking sockets, a virtual thread per connection (JEP 444), keep-alive, chunked
 * responses for streams. It is ours rather than the JDK's com.sun.net.httpserver because a server that no client can
 * take down needs three things that one cannot do: refuse a body by its declared size before reading it (413), drop
 * a client whose writes have blocked for too long, and see that a client waiting for a blocking reply went away.
 *
 * <p>Every connection is in one of three states, each with its deadline, enforced by a reaper ({@link #reap}, run a
 * few times per shortest timeout): idle between requests (idle timeout), reading a request's head and body (read
 * timeout, in all: a client that trickles its head one byte a minute is dropped), handling it (no deadline: a
 * generation takes what it takes). Independently, any single write to the client that has not finished within the
 * write timeout drops the connection: a client that stops reading blocks only its own connection's thread, and only
 * for that long. Deadlines are read off a clock the caller gives (System::nanoTime; a test's own).
 */
final class HttpTransport implements AutoCloseable {
    /** The transport's bounds: header and body sizes, connections at once, and the three timeouts in nanoseconds. */
    record Limits(int maxHeaderBytes, long maxBodyBytes, int maxConnections, long readTimeoutNanos, long writeTimeoutNanos,
                  long idleTimeoutNanos) {}

    interface Handler {
        void handle(Exchange ex) throws IOException;
    }

    /** The body of an error the transport answers itself (the API's error shape), as bytes of application/json. */
    interface ErrorBody {
        byte[] of(int status, String message);
    }

    /**
     * What the transport has done: connections accepted, refused (too many), and dropped past each deadline; connections
     * open now, and of those, reading a request.
     */
    record Stats(long accepted, long refused, long droppedIdle, long droppedRead, long droppedWrite, int open, int reading) {}

    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(100, "Continue"), Map.entry(200, "OK"),
            Map.entry(204, "No Content"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
            Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"), Map.entry(505, "HTTP Version Not Supported"));

    private enum State { IDLE, READING, HANDLING }

    private final Limits limits;
    private final Handler handler;
    private final ErrorBody errors;
    private final LongSupplier clock;
    private final ServerSocket server;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore permits;
    private final Thread acceptor;
    private final ScheduledExecutorService reaper;
    private final AtomicLong accepted = new AtomicLong(), refused = new AtomicLong(), droppedIdle = new AtomicLong(),
            droppedRead = new AtomicLong(), droppedWrite = new AtomicLong();
    private volatile boolean closed;

    HttpTransport(InetSocketAddress bind, Limits limits, Handler handler, ErrorBody errors, LongSupplier clock) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.errors = errors;
        this.clock = clock;
        this.permits = new Semaphore(limits.maxConnections());
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 512);
        acceptor = Thread.ofPlatform().name("r1j-http-accept").daemon().start(this::accept);
        long shortest = Math.min(limits.idleTimeoutNanos(), Math.min(limits.readTimeoutNanos(), limits.writeTimeoutNanos()));
        long period = Math.clamp(shortest / 4, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.SECONDS.toNanos(1));
        reaper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("r1j-http-reaper").daemon().unstarted(r));
        reaper.scheduleAtFixedRate(this::reap, period, period, TimeUnit.NANOSECONDS);
    }

    int port() {
        return server.getLocalPort();
    }

    Stats stats() {
        int reading = 0;
        for (Connection c : connections) if (c.state == State.READING) reading++;
        return new Stats(accepted.get(), refused.get(), droppedIdle.get(), droppedRead.get(), droppedWrite.get(), connections.size(), reading);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        reaper.shutdownNow();
        for (Connection c : connections) c.drop();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            if (!permits.tryAcquire()) {
                // Over the connection limit: a short 503 (it fits in the socket's buffer, so this cannot block) and close.
                refused.incrementAndGet();
                Thread.ofVirtual().start(() -> refuse(s));
                continue;
            }
            accepted.incrementAndGet();
            Connection c = new Connection(s);
            connections.add(c);
            Thread.ofVirtual().name("r1j-http").start(c::run);
        }
    }

    private void refuse(Socket s) {
        try (s) {
            byte[] body = errors.of(503, "the server has too many connections open; try again later");
            s.getOutputStream().write(concat(head(503, "application/json", body.length, false, "HTTP/1.1", Map.of()), body));
        } catch (IOException e) {
            // gone already
        }
    }

    /** Drops every connection past its deadline (the reaper runs this; a test may call it after moving its clock). */
    void reap() {
        long now = clock.getAsLong();
        for (Connection c : connections) {
            if (c.writing && now - c.writeSince > limits.writeTimeoutNanos()) {
                if (c.drop()) droppedWrite.incrementAndGet();
            } else if (c.state == State.IDLE && now - c.since > limits.idleTimeoutNanos()) {
                if (c.drop()) droppedIdle.incrementAndGet();
            } else if (c.state == State.READING && now - c.since > limits.readTimeoutNanos()) {
                if (c.drop()) droppedRead.incrementAndGet();
            }
        }
    }

    /** A response's head and body as one write. */
    private static byte[] concat(byte[] head, byte[] body) {
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static byte[] head(int status, String contentType, long length, boolean keepAlive, String version,
                               Map<String, String> extra) {
        StringBuilder h = new StringBuilder(version).append(' ').append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Status")).append("\r\nServer: r1j\r\n");
        if (contentType != null) h.append("Content-Type: ").append(contentType).append("\r\n");
        if (length >= 0) h.append("Content-Length: ").append(length).append("\r\n");
        else if (version.equals("HTTP/1.1")) h.append("Transfer-Encoding: chunked\r\n");
        extra.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        if (!keepAlive) h.append("Connection: close\r\n");
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One client connection: its buffered input, timed output, and state. */
    private final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] buf = new byte[16 * 1024];
        int pos, lim;
        boolean eof;
        /** Held by whoever reads the socket: the connection's thread, or a watcher while a request is handled. */
        final ReentrantLock reading = new ReentrantLock(true);
        volatile State state = State.IDLE;
        volatile long since;
        volatile boolean writing;
        volatile long writeSince;

        Connection(Socket s) {
            socket = s;
            InputStream i;
            OutputStream o;
            try {
                s.setTcpNoDelay(true);
                i = s.getInputStream();
                o = s.getOutputStream();
            } catch (IOException e) {
                i = InputStream.nullInputStream();
                o = OutputStream.nullOutputStream();
                drop();
            }
            in = i;
            out = o;
            since = clock.getAsLong();
        }

        private final AtomicBoolean dropped = new AtomicBoolean();

        /** Closes the connection; true for the call that closed it. */
        boolean drop() {
            if (!dropped.compareAndSet(false, true)) return false;
            try {
                socket.close();
            } catch (IOException e) {
                // closed either way
            }
            return true;
        }

        void run() {
            try {
                while (!closed && serveOne()) {
                    // next request on this connection
                }
            } catch (IOException e) {
                // the client went away, or a deadline dropped it
            } finally {
                drop();
                connections.remove(this);
                permits.release();
            }
        }

        private void enter(State s) {
            since = clock.getAsLong();
            state = s;
        }

        /** Reads and answers one request; false when the connection must close. */
        private boolean serveOne() throws IOException {
            enter(State.IDLE);
            // The first byte of a request ends the idle wait; it stays in the buffer for the head's parser.
            if (read() < 0) return false;
            pos--;
            enter(State.READING);
            HttpRequestHead head;
            byte[] body;
            try {
                head = HttpRequestHead.read(this::read, limits.maxHeaderBytes());
                body = body(head);
            } catch (HttpRequestHead.HttpError e) {
                // What cannot be read safely is answered and the connection closed: the rest of its bytes mean nothing.
                write(error(e.status, e.getMessage(), "HTTP/1.1"));
                linger();
                return false;
            }
            enter(State.HANDLING);
            Live ex = new Live(head, body);
            try {
                handler.handle(ex);
                if (!ex.responded()) ex.respond(500, "application/json", errors.of(500, "the server sent no response"));
            } catch (RuntimeException e) {
                if (!ex.responded()) ex.respond(500, "application/json", errors.of(500, "internal error: " + e));
                return false;
            } finally {
                ex.end();
            }
            return ex.keepAlive && !ex.mustClose;
        }

        /**
         * After refusing a request whose body is still coming: stop writing, then read and discard what the client still
         * sends (within the read deadline and four bodies' worth), so that it reads the refusal instead of a reset
         * (Apache's lingering close).
         */
        private void linger() {
            try {
                socket.shutdownOutput();
                long left = 4 * limits.maxBodyBytes();
                pos = lim;
                while (left > 0 && fill() > 0) {
                    left -= lim - pos;
                    pos = lim;
                }
            } catch (IOException e) {
                // gone: nothing more to do
            }
        }

        private byte[] error(int status, String message, String version) {
            byte[] b = errors.of(status, message);
            return concat(head(status, "application/json", b.length, false, version, Map.of()), b);
        }

        /** The body, within the limit: by Content-Length (refused before reading when too large) or in chunks. */
        private byte[] body(HttpRequestHead head) throws IOException, HttpRequestHead.HttpError {
            long declared = head.contentLength();
            boolean chunked = head.chunked();
            if (declared > limits.maxBodyBytes()) {
                throw new HttpRequestHead.HttpError(413, "the request body of " + declared + " bytes is larger than the limit of "
                        + limits.maxBodyBytes() + " bytes");
            }
            if (head.expectsContinue() && (declared > 0 || chunked)) write(head(100, null, 0, true, "HTTP/1.1", Map.of()));
            if (chunked) return chunks();
            if (declared <= 0) return new byte[0];
            byte[] b = new byte[(int) declared];
            readFully(b, 0, b.length);
            return b;
        }

        private byte[] chunks() throws IOException, HttpRequestHead.HttpError {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                String line = line(1024);
                int semi = line.indexOf(';');
                String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
                if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    throw new HttpRequestHead.HttpError(400, "malformed chunk size");
                }
                long size = Long.parseLong(hex, 16);
                if (size == 0) break;
                if (all.size() + size > limits.maxBodyBytes()) {
                    throw new HttpRequestHead.HttpError(413, "the request body is larger than the limit of " + limits.maxBodyBytes() + " bytes");
                }
                byte[] b = new byte[(int) size];
                readFully(b, 0, b.length);
                all.write(b);
                if (!line(2).isEmpty()) throw new HttpRequestHead.HttpError(400, "malformed chunk");
            }
            // Trailer fields, ignored, up to the empty line.
            for (int n = 0; !line(limits.maxHeaderBytes()).isEmpty(); n++) {
                if (n > 100) throw new HttpRequestHead.HttpError(431, "too many trailer fields");
            }
            return all.toByteArray();
        }

        private String line(int max) throws IOException, HttpRequestHead.HttpError {
            StringBuilder sb = new StringBuilder();
            for (int b; (b = read()) != '\n'; ) {
                if (b < 0) throw new HttpRequestHead.HttpError(400, "the request ended inside its body");
                if (sb.length() >= max) throw new HttpRequestHead.HttpError(400, "a line of the chunked body is too long");
                sb.append((char) b);
            }
            int n = sb.length();
            return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
        }

        private int read() throws IOException {
            if (pos < lim) return buf[pos++] & 0xff;
            return fill() < 0 ? -1 : buf[pos++] & 0xff;
        }

        private void readFully(byte[] b, int off, int len) throws IOException, HttpRequestHead.HttpError {
            while (len > 0) {
                if (pos == lim && fill() < 0) throw new HttpRequestHead.HttpError(400, "the request ended inside its body");
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        /** Bytes available after reading more if none were (a watcher may have read them): the count, or −1 at the end. */
        private int fill() throws IOException {
            reading.lock();
            try {
                if (pos < lim) return lim - pos;
                if (eof) return -1;
                pos = 0;
                lim = 0;
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    eof = true;
                    return -1;
                }
                lim = n;
                return n;
            } finally {
                reading.unlock();
            }
        }

        /** One write to the client, timed for the reaper. */
        void write(byte[] b) throws IOException {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int len) throws IOException {
            writeSince = clock.getAsLong();
            writing = true;
            try {
                out.write(b, off, len);
            } catch (SocketException e) {
                throw new IOException("the client went away (" + e.getMessage() + ")", e);
            } finally {
                writing = false;
            }
        }

        /**
         * Watches for the end of the client's stream while a request is handled: the watcher owns the reading lock
         * while it waits, so bytes of a next request it may read stay in the buffer for the connection's thread.
         */
        void watch(Live ex, Runnable gone) {
            Thread.ofVirtual().name("r1j-http-watch").start(() -> {
                reading.lock();
                try {
                    if (ex.ended.get() || pos < lim) return;
                    boolean end = eof;
                    if (!end) {
                        pos = 0;
                        lim = 0;
                        int n = in.read(buf, 0, buf.length);
                        if (n < 0) eof = end = true;
                        else lim = n;
                    }
                    if (end && !ex.ended.get()) gone.run();
                } catch (IOException e) {
                    eof = true;
                    if (!ex.ended.get()) gone.run();
                } finally {
                    reading.unlock();
                }
            });
        }

        /** The exchange of one request on this connection. */
        private final class Live implements Exchange {
            final HttpRequestHead head;
            final byte[] body;
            final boolean keepAlive;
            final Map<String, String> headers = new java.util.LinkedHashMap<>();
            final AtomicBoolean ended = new AtomicBoolean();
            boolean responded, mustClose;

            Live(HttpRequestHead head, byte[] body) {
                this.head = head;
                this.body = body;
                this.keepAlive = head.keepAlive();
            }

            void end() {
                ended.set(true);
            }

            @Override
            public String method() {
                return head.method();
            }

            @Override
            public String path() {
                return head.path();
            }

            @Override
            public String header(String name) {
                return head.header(name);
            }

            @Override
            public byte[] body() {
                return body;
            }

            @Override
            public void addHeader(String name, String value) {
                headers.put(name, value);
            }

            @Override
            public void respond(int status, String contentType, byte[] b) throws IOException {
                if (responded) throw new IllegalStateException("a response was already started");
                responded = true;
                byte[] h = head(status, contentType, b.length, keepAlive, head.version(), headers);
                // A HEAD request gets the head of the response alone (RFC 9110 §9.3.2).
                if (head.method().equals("HEAD")) {
                    write(h);
                    return;
                }
                write(concat(h, b));
            }

            @Override
            public OutputStream startStream(int status, String contentType) throws IOException {
                if (responded) throw new IllegalStateException("a response was already started");
                responded = true;
                boolean chunked = head.version().equals("HTTP/1.1");
                // HTTP/1.0 has no chunks: the body ends when the connection closes.
                if (!chunked) mustClose = true;
                write(head(status, contentType, -1, keepAlive && chunked, head.version(), headers));
                return new OutputStream() {
                    private boolean done;

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (len == 0) return;
                        if (!chunked) {
                            Connection.this.write(b, off, len);
                            return;
                        }
                        byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                        byte[] chunk = new byte[size.length + len + 2];
                        System.arraycopy(size, 0, chunk, 0, size.length);
                        System.arraycopy(b, off, chunk, size.length, len);
                        chunk[chunk.length - 2] = '\r';
                        chunk[chunk.length - 1] = '\n';
                        Connection.this.write(chunk);
                    }

                    @Override
                    public void close() throws IOException {
                        if (done) return;
                        done = true;
                        if (chunked) Connection.this.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                };
            }

            @Override
            public void onClientGone(Runnable gone) {
                AtomicBoolean once = new AtomicBoolean();
                watch(this, () -> {
                    if (once.compareAndSet(false, true)) gone.run();
                });
            }

            @Override
            public boolean responded() {
                return responded;
            }
        }
    }
}
