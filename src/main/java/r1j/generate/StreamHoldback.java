package r1j.generate;

import java.util.List;

/**
 * How much of a growing completion a stream may send: text that a later token cannot change. Two things can still
 * change: an incomplete UTF-8 character at the end (decoded as U+FFFD until its last byte comes), and an end that
 * is the beginning of a stop string (the stop would cut it). Held back until they settle, the streamed deltas add up
 * to the blocking reply's text, as vLLM's and llama.cpp's servers hold back partial stop strings.
 */
final class StreamHoldback {
    private StreamHoldback() {}

    /** The length of text's settled prefix under these stop strings (text itself contains none of them). */
    static int settled(String text, List<String> stops) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') end--;
        int hold = 0;
        for (String stop : stops) hold = Math.max(hold, partialMatch(text, end, stop));
        return end - hold;
    }

    /**
     * The length of the longest suffix of text[0, end) that is a proper prefix of stop. Only positions holding stop's
     * first character are tried, so a usual text costs one pass over the last |stop| − 1 characters.
     */
    static int partialMatch(String text, int end, String stop) {
        if (stop.isEmpty()) return 0;
        char first = stop.charAt(0);
        for (int at = Math.max(0, end - stop.length() + 1); at < end; at++) {
            if (text.charAt(at) == first && stop.regionMatches(0, text, at, end - at)) return end - at;
        }
        return 0;
    }
}
