package r1j.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reply, as it streams, into its reasoning (inside the think block) and its answer, as DeepSeek's API
 * returns them in reasoning_content and content. The reply starts in the think block when the prompt opened it (R1's
 * templates end with "&lt;think&gt;\n"); a leading "&lt;think&gt;" of the reply opens it too; "&lt;/think&gt;" closes it. R1's
 * readable format (§2.3.1: "| special_token | reasoning | special_token | summary") is split the same way. A tag
 * split across deltas is held back until it is complete.
 */
final class ReasoningSplitter {
    static final String OPEN = "<think>", CLOSE = "</think>", SPECIAL = r1j.tokenizer.SpecialTokens.SPECIAL;

    /** A piece of the reply: reasoning or answer text. */
    record Part(boolean reasoning, String text) {}

    private boolean inThink;
    private boolean started;
    private String close = CLOSE;
    /** After a tag, whitespace is dropped until the next text (a think block's "\n" after &lt;think&gt;, "\n\n" after &lt;/think&gt;). */
    private boolean skipSpace;
    private String pending = "";

    ReasoningSplitter(boolean promptOpensThink) {
        this.inThink = promptOpensThink;
    }

    /** The parts of this delta that are certain; a possible tag prefix at its end waits for the next one. */
    List<Part> accept(String delta) {
        List<Part> out = new ArrayList<>();
        String s = pending + delta;
        pending = "";
        while (!s.isEmpty()) {
            if (skipSpace) {
                s = s.stripLeading();
                if (s.isEmpty()) return out;
                skipSpace = false;
            }
            if (!started) {
                String t = s.stripLeading();
                if (t.isEmpty() || OPEN.startsWith(t) && t.length() < OPEN.length() || SPECIAL.startsWith(t) && t.length() < SPECIAL.length()) {
                    pending = s;
                    return out;
                }
                started = true;
                for (String[] pair : new String[][] {{OPEN, CLOSE}, {SPECIAL, SPECIAL}}) {
                    if (t.startsWith(pair[0])) {
                        inThink = true;
                        close = pair[1];
                        s = t.substring(pair[0].length());
                        skipSpace = true;
                        break;
                    }
                }
                continue;
            }
            if (!inThink) {
                out.add(new Part(false, s));
                return out;
            }
            int at = s.indexOf(close);
            if (at >= 0) {
                String reasoning = s.substring(0, at).stripTrailing();
                if (!reasoning.isEmpty()) out.add(new Part(true, reasoning));
                inThink = false;
                s = s.substring(at + close.length());
                skipSpace = true;
                continue;
            }
            // Held back: a possible start of the closing tag, and the whitespace before it (dropped if the tag follows).
            int keep = partialSuffix(s, close);
            String certain = s.substring(0, s.length() - keep);
            String body = certain.stripTrailing();
            if (!body.isEmpty()) out.add(new Part(true, body));
            pending = s.substring(body.length());
            return out;
        }
        return out;
    }

    /** What is still held back, at the end of the reply (trailing whitespace of an unclosed think block dropped). */
    List<Part> finish() {
        List<Part> out = new ArrayList<>();
        String rest = inThink || !started ? pending.strip() : pending;
        if (!rest.isEmpty()) out.add(new Part(inThink, rest));
        pending = "";
        return out;
    }

    /** The length of the longest suffix of s that is a proper prefix of tag. */
    private static int partialSuffix(String s, String tag) {
        for (int k = Math.min(tag.length() - 1, s.length()); k > 0; k--) if (s.endsWith(tag.substring(0, k))) return k;
        return 0;
    }

    /** The whole reply at once: [reasoning or null, content]. */
    static String[] split(String reply, boolean promptOpensThink) {
        ReasoningSplitter r = new ReasoningSplitter(promptOpensThink);
        StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        List<Part> parts = new ArrayList<>(r.accept(reply));
        parts.addAll(r.finish());
        boolean any = false;
        for (Part p : parts) {
            if (p.reasoning()) {
                reasoning.append(p.text());
                any = true;
            } else {
                content.append(p.text());
            }
        }
        return new String[] {any || promptOpensThink ? reasoning.toString() : null, content.toString()};
    }
}
