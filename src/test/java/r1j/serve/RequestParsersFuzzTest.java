package r1j.serve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The server's two parsers of client bytes, fuzzed (issue 35): the HTTP request head and the completion request
 * body. Each either reads its input or refuses it with a status and a message (an HttpError, an ApiError with a 4xx);
 * any other exception, an error, or a hang is a finding. `./r1j test` replays the seeds and the findings kept under
 * src/test/resources/r1j/serve/RequestParsersFuzzTestInputs/TARGET/; scripts/fuzz.sh explores.
 */
class RequestParsersFuzzTest {
    private static final CompletionRequest.Limits LIMITS = new CompletionRequest.Limits(4096, 16, 256);

    @FuzzTest(maxDuration = "10s")
    void completionRequest(byte @NotNull [] data) {
        boolean chat = data.length > 0 && (data[0] & 1) == 0;
        try {
            CompletionRequest r = CompletionRequest.parse(data, chat, LIMITS);
            // What parses is within its bounds.
            if (r.sampling().n() < 1 || r.sampling().n() > 16) throw new AssertionError("n out of range: " + r.sampling().n());
            if (r.sampling().maxTokens() != null && (r.sampling().maxTokens() < 1 || r.sampling().maxTokens() > 256)) throw new AssertionError("max_tokens: " + r.sampling().maxTokens());
            if (chat ? r.messages().stream().mapToLong(m -> m.content().length()).sum() > 4096 : r.prompt().length() > 4096) {
                throw new AssertionError("a prompt over the character limit was accepted");
            }
            if (r.sampling().stops().size() > CompletionRequest.MAX_STOPS) throw new AssertionError("too many stops");
        } catch (ApiError e) {
            if (e.status < 400 || e.status >= 500 || e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a 4xx status and a message", e);
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void httpHead(byte @NotNull [] data) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        try {
            HttpRequestHead h = HttpRequestHead.read(in::read, 8192);
            if (h != null) {
                h.path();
                h.keepAlive();
                h.header("Content-Type");
                if (h.contentLength() < -1) throw new AssertionError("a negative Content-Length was accepted");
            }
        } catch (HttpRequestHead.HttpError e) {
            if (e.status < 400 || e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a status and a message", e);
            }
        }
    }
}
