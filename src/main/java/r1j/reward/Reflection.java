package r1j.reward;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reflection in a reply (the R1 report's "aha moment", §2.2.4): a marker of re-checking or self-correction in either
 * language ("wait", "let me recheck", "espera", "déjame revisar", "lo rehago"…). GRPO logs its rate and the
 * evaluation reports it by level; the cold-start annotator keeps what follows the last one.
 */
public final class Reflection {
    private static final Pattern MARKER = Pattern.compile(
            "\\b(wait|let me (re)?check|let me redo|let me recheck|espera|déjame revisar|lo rehago|revisemos)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private Reflection() {}

    public static boolean in(String text) {
        return MARKER.matcher(text).find();
    }

    /** The index just past the last marker, or -1. */
    public static int endOfLast(String text) {
        Matcher m = MARKER.matcher(text);
        int end = -1;
        while (m.find()) end = m.end();
        return end;
    }
}
