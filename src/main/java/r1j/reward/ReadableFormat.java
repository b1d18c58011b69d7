package r1j.reward;

import java.util.regex.Pattern;
import r1j.tokenizer.SpecialTokens;

/**
 * The readable output format of DeepSeek-R1's cold-start data (§2.3.1), {@code | special_token | reasoning |
 * special_token | summary}, as {@link r1j.data.R1Format} writes it, checked. As a reward (and as the evaluation's "readable"
 * share): 1 when the reply is exactly that — two delimiters, a non-empty reasoning without R1-Zero tags, and a summary
 * that states the answer ("The answer is …" / "La respuesta es …") — else 0.
 */
public final class ReadableFormat implements Reward {
    private static final String SP = SpecialTokens.SPECIAL;
    private static final Pattern TAGS = Pattern.compile("</?(think|answer)>");
    private static final Pattern STATES = Pattern.compile("(the answer is|la respuesta es)\\s*\\S", Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
        return "readable";
    }

    @Override
    public Score score(Sample s) {
        String c = s.completion().replace(SpecialTokens.EOS, "").trim();
        if (!c.startsWith(SP)) return new Score(0, "does not open with the delimiter");
        int second = c.indexOf(SP, SP.length());
        if (second < 0) return new Score(0, "no second delimiter");
        if (c.indexOf(SP, second + SP.length()) >= 0) return new Score(0, "more than two delimiters");
        String reasoning = c.substring(SP.length(), second), summary = c.substring(second + SP.length());
        if (TAGS.matcher(c).find()) return new Score(0, "R1-Zero tags in a readable reply");
        if (reasoning.isBlank()) return new Score(0, "empty reasoning");
        if (!STATES.matcher(summary).find()) return new Score(0, "the summary states no answer");
        return new Score(1, "readable");
    }
}
