package r1j.reward;

import java.util.regex.Pattern;

/**
 * Readability of the reasoning itself, whatever its format — the R1 report's first complaint about R1-Zero (§2.3:
 * "poor readability, and language mixing"). A reply reads cleanly when its chain of thought
 * <ol>
 *   <li>is written in sentences: each sentence (cut at . ! ? and their CJK forms) begins with a capital letter, a
 *       digit or a parenthesis — lower-case fragments run together with commas ("primero 6 * 3 = 18, then 3 + 18 = 21")
 *       and torn words ("x bta.") do not;</li>
 *   <li>does not loop: no sentence appears twice (a re-check writes its steps again in another form, not the same
 *       sentence);</li>
 *   <li>stays in the prompt's language (language consistency 1), so no mixed tokens.</li>
 * </ol>
 * Scored 1 or 0; the evaluation's "clean" column is its mean. Independent of the cold-start delimiters, so R1-Zero's
 * think blocks and the readable format are judged alike.
 */
public final class Readability implements Reward {
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?。！？])\\s+|(?<=[。！？])");
    private final LanguageConsistencyReward language = new LanguageConsistencyReward();

    @Override
    public String name() {
        return "clean";
    }

    @Override
    public Score score(Sample s) {
        String chain = Segment.REASONING.select(s.completion()).strip();
        if (chain.isEmpty()) return new Score(0, "no reasoning");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String sentence : SENTENCE_END.split(chain)) {
            String t = sentence.strip();
            if (t.isEmpty()) continue;
            if (!startsSentence(t.codePointAt(0))) return new Score(0, "not a sentence: " + abbreviate(t));
            if (!seen.add(t.toLowerCase(java.util.Locale.ROOT))) return new Score(0, "repeated: " + abbreviate(t));
        }
        Score l = language.score(s);
        if (l.value() < 1) return new Score(0, "mixed language (" + l.reason() + ")");
        return new Score(1, "clean");
    }

    /** A capital, a digit, an opening bracket or Spanish mark, or a letter of a script without case (Chinese). */
    private static boolean startsSentence(int cp) {
        if (Character.isLetter(cp)) return !Character.isLowerCase(cp);
        return Character.isDigit(cp) || cp == '(' || cp == '¿' || cp == '¡' || cp == '"' || cp == '“';
    }

    private static String abbreviate(String t) {
        return t.length() <= 40 ? t : t.substring(0, 40) + "…";
    }
}
