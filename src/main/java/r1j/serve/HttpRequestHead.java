package r1j.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 request line and header fields (RFC 9112 §3, §5), read with a limit on their size. What the server
 * cannot read safely is refused with the status RFC 9110 gives it ({@link HttpError}): a malformed line 400, too
 * large 431, a version other than 1.0 or 1.1 505, both Content-Length and Transfer-Encoding (request smuggling) 400,
 * a transfer coding other than chunked 501.
 */
record HttpRequestHead(String method, String target, String version, List<String[]> fields) {
    /** A request the transport refuses before the API sees it: the status and the reason for the error body. */
    static final class HttpError extends Exception {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Where the head's bytes come from: the next byte, or −1 at the end of the stream. */
    interface Source {
        int read() throws IOException;
    }

    /**
     * Reads a head: the request line and fields up to the empty line, at most maxBytes in all. Returns null when the
     * stream ends before the first byte (a client that closed a kept-alive connection). Bare LF line ends are
     * accepted, as RFC 9112 §2.2 allows; empty lines before the request line are skipped.
     */
    static HttpRequestHead read(Source in, int maxBytes) throws IOException, HttpError {
        List<String> lines = new ArrayList<>();
        byte[] line = new byte[256];
        int len = 0, total = 0;
        boolean any = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (!any) return null;
                throw new HttpError(400, "the request ended inside its head");
            }
            any = true;
            if (++total > maxBytes) throw new HttpError(431, "the request head is larger than " + maxBytes + " bytes");
            if (b == '\n') {
                if (len > 0 && line[len - 1] == '\r') len--;
                String s = new String(line, 0, len, StandardCharsets.ISO_8859_1);
                len = 0;
                if (s.isEmpty()) {
                    if (lines.isEmpty()) continue;
                    return parse(lines);
                }
                lines.add(s);
                continue;
            }
            if (len == line.length) line = java.util.Arrays.copyOf(line, len * 2);
            line[len++] = (byte) b;
        }
    }

    /** The head of these lines (the request line first). */
    static HttpRequestHead parse(List<String> lines) throws HttpError {
        String[] parts = lines.get(0).split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) throw new HttpError(400, "malformed request line");
        for (int i = 0; i < parts[0].length(); i++) {
            if (!tchar(parts[0].charAt(i))) throw new HttpError(400, "malformed request method");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            if (parts[2].startsWith("HTTP/")) throw new HttpError(505, "HTTP version " + parts[2].substring(5) + " is not supported");
            throw new HttpError(400, "malformed request line");
        }
        if (!parts[1].startsWith("/") && !parts[1].equals("*")) throw new HttpError(400, "the request target must be a path");
        for (int i = 0; i < parts[1].length(); i++) {
            char c = parts[1].charAt(i);
            if (c <= ' ' || c >= 0x7f) throw new HttpError(400, "the request target has a character not allowed in it");
        }
        List<String[]> fields = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            int colon = l.indexOf(':');
            // RFC 9112 §5.1: no whitespace between the name and the colon; obsolete line folding is refused (§5.2).
            if (colon <= 0 || l.charAt(0) == ' ' || l.charAt(0) == '\t') throw new HttpError(400, "malformed header field");
            String name = l.substring(0, colon);
            for (int j = 0; j < name.length(); j++) if (!tchar(name.charAt(j))) throw new HttpError(400, "malformed header field name");
            fields.add(new String[] {name.toLowerCase(Locale.ROOT), l.substring(colon + 1).strip()});
        }
        HttpRequestHead head = new HttpRequestHead(parts[0], parts[1], parts[2], List.copyOf(fields));
        head.contentLength();
        head.chunked();
        return head;
    }

    /** A token character (RFC 9110 §5.6.2). */
    private static boolean tchar(char c) {
        return c > ' ' && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** The first value of a field (names are case-insensitive), or null. */
    String header(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String[] f : fields) if (f[0].equals(n)) return f[1];
        return null;
    }

    private List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (String[] f : fields) if (f[0].equals(name)) out.add(f[1]);
        return out;
    }

    /** The path of the target, without its query. */
    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The declared body length, −1 when none is declared. */
    long contentLength() throws HttpError {
        List<String> v = all("content-length");
        if (v.isEmpty()) return -1;
        String first = v.get(0);
        for (String s : v) if (!s.equals(first)) throw new HttpError(400, "conflicting Content-Length fields");
        if (first.isEmpty() || first.length() > 18 || !first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpError(400, "malformed Content-Length");
        }
        if (header("transfer-encoding") != null) throw new HttpError(400, "both Content-Length and Transfer-Encoding");
        return Long.parseLong(first);
    }

    /** Whether the body comes in chunks (the only transfer coding accepted). */
    boolean chunked() throws HttpError {
        List<String> v = all("transfer-encoding");
        if (v.isEmpty()) return false;
        if (v.size() == 1 && v.get(0).equalsIgnoreCase("chunked")) return true;
        throw new HttpError(501, "transfer coding '" + String.join(", ", v) + "' is not supported (only chunked)");
    }

    /** Whether the connection stays open after this exchange (HTTP/1.1 unless "close"; HTTP/1.0 only if asked). */
    boolean keepAlive() {
        String c = header("connection");
        String v = c == null ? "" : c.toLowerCase(Locale.ROOT);
        return version.equals("HTTP/1.1") ? !v.contains("close") : v.contains("keep-alive");
    }

    /** Whether the client asks to be told before it sends its body (curl does for bodies over 1 KB). */
    boolean expectsContinue() {
        String e = header("expect");
        return e != null && e.equalsIgnoreCase("100-continue");
    }
}
