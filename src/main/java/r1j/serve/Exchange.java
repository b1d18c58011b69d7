package r1j.serve;

import java.io.IOException;
import java.io.OutputStream;

/** One HTTP request and its response, as the API sees it: {@link HttpTransport}'s, or a test's own. */
interface Exchange {
    String method();

    /** The target's path, without its query. */
    String path();

    /** A request header's first value (case-insensitive name), or null. */
    String header(String name);

    /** The whole request body (the transport has read it within its limit). */
    byte[] body();

    /** Adds a header to the response (before it is started). */
    void addHeader(String name, String value);

    /** Sends a whole response. */
    void respond(int status, String contentType, byte[] body) throws IOException;

    /** Starts a response of unknown length and returns its body: each write is sent at once; close ends it. */
    OutputStream startStream(int status, String contentType) throws IOException;

    /**
     * Calls gone (at most once, on another thread) when the client closes its side of the connection before this
     * exchange ends: a client that gave up on its reply.
     */
    void onClientGone(Runnable gone);

    /** Whether a response was started. */
    boolean responded();
}
