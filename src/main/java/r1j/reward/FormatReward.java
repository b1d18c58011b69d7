package r1j.reward;

import java.util.regex.Pattern;

/**
 * Format (R1 report §2.2.2, the R1-Zero template): 1 when the reply is exactly one {@code <think>…</think>} followed
 * by exactly one {@code <answer>…</answer>} with nothing after (surrounding whitespace allowed), else 0. Nested,
 * repeated, missing or reordered tags fail, and so does text after the answer.
 */
public final class FormatReward implements Reward {
    private static final Pattern FORM = Pattern.compile("\\s*<think>((?:(?!<think>|</think>|<answer>|</answer>).)*)</think>"
            + "\\s*<answer>((?:(?!<think>|</think>|<answer>|</answer>).)*)</answer>\\s*", Pattern.DOTALL);

    @Override
    public String name() {
        return "format";
    }

    @Override
    public Score score(Sample s) {
        String c = s.completion();
        // Generation stops at EOS; a trailing end-of-sentence marker is not text after the answer.
        c = c.replace(r1j.tokenizer.SpecialTokens.EOS, "");
        if (FORM.matcher(c).matches()) return new Score(1, "think then answer");
        if (!c.contains("<think>") || !c.contains("</think>")) return new Score(0, "no complete think block");
        if (!c.contains("<answer>") || !c.contains("</answer>")) return new Score(0, "no complete answer block");
        if (c.indexOf("<answer>") < c.indexOf("</think>")) return new Score(0, "tags out of order or nested");
        int end = c.lastIndexOf("</answer>") + "</answer>".length();
        if (!c.substring(end).isBlank()) return new Score(0, "text after </answer>");
        return new Score(0, "repeated or nested tags");
    }
}
