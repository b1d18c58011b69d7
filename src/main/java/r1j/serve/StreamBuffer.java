package r1j.serve;

import java.util.List;
import r1j.generate.Completion;
import r1j.generate.ServingLoop;

/**
 * What the decoder has produced for one streamed request and its connection has not yet written: the decoder adds
 * (never waiting), the connection's thread takes everything pending at once and writes it. Text is kept per sample
 * and coalesced, so a client that reads slower than the model writes gets larger events, not more of them; a client
 * that stops reading lets the pending text grow to the bound, and then the request overflows: it is cancelled and
 * its slot in the batch goes to others. It is the request's client of the decoder: it is cancelled once it overflowed
 * or its writer gave up.
 */
final class StreamBuffer implements ServingLoop.Client {
    /** All that was pending: text per sample (null where none), and the end when it came (else null). */
    record Batch(String[] text, List<Completion> done, Throwable failed) {
        boolean ended() {
            return done != null || failed != null;
        }
    }

    private final int maxChars;
    private final StringBuilder[] pending;
    private int chars;
    private List<Completion> done;
    private Throwable failed;
    private boolean overflowed, closed;

    StreamBuffer(int samples, int maxChars) {
        this.maxChars = maxChars;
        pending = new StringBuilder[samples];
    }

    /** Adds a sample's text; past the bound the buffer overflows instead (and the request is cancelled). */
    @Override
    public synchronized void onText(int sample, String text) {
        if (overflowed || closed) return;
        if (chars + text.length() > maxChars) {
            overflowed = true;
        } else {
            if (pending[sample] == null) pending[sample] = new StringBuilder();
            pending[sample].append(text);
            chars += text.length();
        }
        notifyAll();
    }

    @Override
    public synchronized void onDone(List<Completion> completions) {
        done = completions;
        notifyAll();
    }

    @Override
    public synchronized void onFailed(Throwable cause) {
        failed = cause;
        notifyAll();
    }

    /** The client fell too far behind, or its writer gave up: its sequences are dropped. */
    @Override
    public synchronized boolean cancelled() {
        return overflowed || closed;
    }

    /** The writer gives up (its client is gone): later additions are refused. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Waits for something pending and takes all of it. */
    synchronized Batch take() throws InterruptedException {
        while (chars == 0 && done == null && failed == null && !overflowed && !closed) wait();
        String[] text = new String[pending.length];
        for (int i = 0; i < pending.length; i++) {
            if (pending[i] != null && !pending[i].isEmpty()) text[i] = pending[i].toString();
            pending[i] = null;
        }
        chars = 0;
        Throwable f = failed != null ? failed
                : overflowed ? new ClientTooSlow("the client read too slowly: more than " + maxChars + " characters were waiting for it") : null;
        return new Batch(text, f == null ? done : null, f);
    }

    /** The request was cancelled because its client did not keep up. */
    static final class ClientTooSlow extends RuntimeException {
        ClientTooSlow(String message) {
            super(message);
        }
    }
}
