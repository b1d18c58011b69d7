package r1j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Client text that stays text through a chat template: an added token's string inside a message (a user typing
 * {@code <｜end▁of▁sentence｜>} or {@code <|im_start|>}) is encoded as the plain characters it is, never as the control
 * token, so no message can end a turn or open another; control tokens come only from the template itself. This is
 * what transformers does with {@code split_special_tokens=True}, applied to the messages alone.
 *
 * <p>Before rendering, each such string (and each reference character the text itself holds) is swapped for a
 * reference, {@code U+FDD0 n U+FDD1} (noncharacters, which no tokenizer's added tokens contain); the template renders
 * the references as any text; encoding the rendered prompt matches added tokens in the template's text only and puts
 * each reference's original back before the plain text is encoded. One instance per prompt.
 */
public final class InertText {
    private static final char OPEN = '\uFDD0', CLOSE = '\uFDD1';

    private final Tokenizer tokenizer;
    private final List<String> originals = new ArrayList<>();

    public InertText(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * The text with every added token's string replaced by a reference; with specialOnly, only special tokens' (an
     * assistant's turn replayed from history keeps the non-special markers a template splits on, such as
     * {@code </think>}).
     */
    public String protect(String text, boolean specialOnly) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c == OPEN || c == CLOSE) {
                out.append(reference(String.valueOf(c)));
                i++;
                continue;
            }
            Tokenizer.AddedToken hit = tokenizer.addedAt(text, i, specialOnly);
            if (hit == null) {
                out.append(c);
                i++;
            } else {
                out.append(reference(hit.content()));
                i += hit.content().length();
            }
        }
        return out.toString();
    }

    private String reference(String original) {
        originals.add(original);
        return OPEN + Integer.toString(originals.size() - 1) + CLOSE;
    }

    /** The ids of a rendered prompt: added tokens from the template's text, the references' originals as plain text. */
    public int[] encode(String rendered) {
        return tokenizer.encode(rendered, false, this::restore);
    }

    /** The text with each reference replaced by its original (what it stands for in the rendered prompt). */
    public String restore(String text) {
        if (text.indexOf(OPEN) < 0) return text;
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int end = c == OPEN ? text.indexOf(CLOSE, i + 1) : -1;
            int n = end > i + 1 && end - i <= 10 ? parse(text, i + 1, end) : -1;
            if (n < 0 || n >= originals.size()) {
                out.append(c);
                continue;
            }
            out.append(originals.get(n));
            i = end;
        }
        return out.toString();
    }

    private static int parse(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
