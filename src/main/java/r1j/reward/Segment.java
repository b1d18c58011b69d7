package r1j.reward;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import r1j.tokenizer.SpecialTokens;

/**
 * Parts of a reply, in both formats of the recipe: R1-Zero's {@code <think> reasoning </think> <answer> a </answer>}
 * and the cold-start format {@code | special_token | reasoning | special_token | summary}.
 */
public enum Segment {
    /** The whole completion. */
    ALL,
    /** The chain of thought: inside the last complete think block, or between the special_token delimiters. */
    REASONING,
    /** What the user reads: the answer block, or what follows the second special_token delimiter. */
    SUMMARY;

    private static final Pattern THINK = Pattern.compile("<think>(.*?)</think>", Pattern.DOTALL);
    private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);

    public String select(String c) {
        if (this == ALL) return c;
        String sp = SpecialTokens.SPECIAL;
        int first = c.indexOf(sp), second = first < 0 ? -1 : c.indexOf(sp, first + sp.length());
        if (second >= 0) {
            return this == REASONING ? c.substring(first + sp.length(), second).trim() : c.substring(second + sp.length()).trim();
        }
        Matcher m = (this == REASONING ? THINK : ANSWER).matcher(c);
        String last = null;
        while (m.find()) last = m.group(1);
        if (last != null) return last.trim();
        if (this == REASONING) {
            // An unclosed think block: what follows it; no block at all: the whole reply.
            int open = c.lastIndexOf(SpecialTokens.THINK);
            return open >= 0 ? c.substring(open + SpecialTokens.THINK.length()).trim() : c.trim();
        }
        int close = c.lastIndexOf(SpecialTokens.THINK_END);
        return close >= 0 ? c.substring(close + SpecialTokens.THINK_END.length()).trim() : c.trim();
    }
}
