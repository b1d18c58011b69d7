package r1j.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a stream may send of a growing text: all but a possible stop-string start or incomplete character. */
class StreamHoldbackTest {
    @Test
    void holdsBackTheLongestEndThatStartsAStopString() {
        assertThat(StreamHoldback.settled("The answer is", List.of("is 4"))).isEqualTo("The answer ".length());
        assertThat(StreamHoldback.settled("The answer i", List.of("is 4"))).isEqualTo("The answer ".length());
        assertThat(StreamHoldback.settled("The answer", List.of("is 4"))).isEqualTo("The answer".length());
        // Overlapping candidates: "aab" may still become "aaab" from its second character on.
        assertThat(StreamHoldback.settled("xaaa", List.of("aaab"))).isEqualTo(1);
        assertThat(StreamHoldback.settled("xaab", List.of("aab!", "b?"))).isEqualTo(1);
        assertThat(StreamHoldback.settled("abc", List.of())).isEqualTo(3);
    }

    @Test
    void holdsBackAnIncompleteCharacterAtTheEnd() {
        assertThat(StreamHoldback.settled("caf\uFFFD", List.of())).isEqualTo(3);
        assertThat(StreamHoldback.settled("a\uFFFDb", List.of())).isEqualTo(3);
        assertThat(StreamHoldback.settled("\uFFFD\uFFFD", List.of("x"))).isZero();
    }

    /** Against a brute force: the longest suffix of text that is a proper prefix of the stop, for random strings. */
    @Test
    void partialMatchAgreesWithBruteForce() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int n = 0; n < 5000; n++) {
            String text = random(r, r.nextInt(12)), stop = random(r, 1 + r.nextInt(5));
            int want = 0;
            for (int k = Math.min(stop.length() - 1, text.length()); k > 0; k--) {
                if (text.endsWith(stop.substring(0, k))) {
                    want = k;
                    break;
                }
            }
            assertThat(StreamHoldback.partialMatch(text, text.length(), stop)).as("%s / %s", text, stop).isEqualTo(want);
        }
    }

    private static String random(java.util.SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append("ab".charAt(r.nextInt(2)));
        return sb.toString();
    }
}
