package r1j.reward;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import r1j.data.NumberWords;
import r1j.data.Rational;

/**
 * Finding the final answer in a reply and comparing it with the reference as an exact rational (the rule-based
 * verifier of the R1 report). Extraction, in order of trust:
 * <ol>
 *   <li>the last complete {@code <answer>…</answer>};</li>
 *   <li>the summary of the cold-start format, or any "The answer is X" / "La respuesta es X";</li>
 *   <li>the last {@code \boxed{…}} (nested braces allowed, {@code \frac{a}{b}} read as a/b);</li>
 *   <li>GSM8K's final {@code #### X};</li>
 *   <li>optionally, the last number of the reply (R1-Zero's base model often answers bare).</li>
 * </ol>
 * Numbers: integers, decimals, fractions, signs (including the Unicode minus), thousands separators ("1,400",
 * "1 400"), a final full stop, percentages, and number words in English and Spanish. Decimals are parsed exactly,
 * never through binary floating point, so 0.1 + 0.2 style artefacts do not pass as 0.3.
 */
public final class Answers {
    /** Where an answer was found. */
    public enum Source { ANSWER_TAG, SUMMARY, BOXED, HASHES, LAST_NUMBER, NONE }

    /** An answer taken from a reply, and where in the reply it was found. */
    public record Extracted(String text, Source source) {}

    private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);
    private static final Pattern ANSWER_IS = Pattern.compile(
            "(?:the (?:final )?answer is|answer:|la respuesta (?:final )?es|respuesta:)\\s*([^\\n]*)", Pattern.CASE_INSENSITIVE);
    /** A number as written: sign, digits with optional thousands groups, decimals or a fraction, optional %. */
    static final Pattern NUMBER = Pattern.compile(
            "[-−–]?\\d{1,3}(?:(?:,|\\u202F|\\u00A0| )\\d{3})+(?:\\.\\d+)?%?|[-−–]?\\d+(?:[.,]\\d+)?(?:/\\d+)?%?");

    private Answers() {}

    public static Extracted extract(String reply, boolean lastNumberFallback) {
        Matcher m = ANSWER.matcher(reply);
        String last = null;
        while (m.find()) last = m.group(1);
        if (last != null) return new Extracted(last.trim(), Source.ANSWER_TAG);
        String summary = Segment.SUMMARY.select(reply);
        Matcher is = ANSWER_IS.matcher(summary.contains(r1j.tokenizer.SpecialTokens.SPECIAL) ? reply : summary);
        String said = null;
        while (is.find()) said = is.group(1);
        if (said == null) {
            Matcher anywhere = ANSWER_IS.matcher(reply);
            while (anywhere.find()) said = anywhere.group(1);
        }
        if (said != null) {
            // The statement ends with its sentence: "The answer is 14. I checked 20 too." states 14.
            int stop = said.length();
            for (String end : new String[] {". ", "; ", ", "}) {
                int at = said.indexOf(end);
                if (at >= 0) stop = Math.min(stop, at);
            }
            return new Extracted(said.substring(0, stop).trim(), Source.SUMMARY);
        }
        String box = r1j.data.MarkedAnswers.lastBoxed(reply);
        if (box != null) return new Extracted(latex(box.trim()), Source.BOXED);
        String hashes = r1j.data.MarkedAnswers.afterHashes(reply);
        if (hashes != null && !hashes.isEmpty()) return new Extracted(hashes, Source.HASHES);
        if (lastNumberFallback) {
            Matcher n = NUMBER.matcher(reply);
            String num = null;
            while (n.find()) num = n.group();
            if (num != null) return new Extracted(num, Source.LAST_NUMBER);
            String word = lastNumberWord(reply);
            if (word != null) return new Extracted(word, Source.LAST_NUMBER);
        }
        return new Extracted("", Source.NONE);
    }

    /** The LaTeX of a boxed number as plain text: \frac{a}{b} and \dfrac{a}{b} as a/b, $ and \! and \, dropped. */
    static String latex(String s) {
        String t = s.replaceAll("\\\\[dt]?frac\\{([^{}]*)}\\{([^{}]*)}", "$1/$2").replaceAll("\\\\[!,;]", "");
        return t.replace("$", "").replaceAll("\\\\text\\{([^{}]*)}", "$1").replace("\\%", "%").trim();
    }

    private static String lastNumberWord(String reply) {
        String[] words = reply.toLowerCase(Locale.ROOT).split("[^\\p{L}-]+");
        for (int i = words.length - 1; i >= 0; i--) if (!words[i].isEmpty() && NumberWords.parse(words[i]) != null) return words[i];
        return null;
    }

    /**
     * The value an extracted answer states, or null when it states none or several (a hedge such as "20 or 14" is
     * not an answer). "x = 14" and "2 + 12 = 14" state 14.
     */
    public static Rational value(String text, boolean percent) {
        String t = text.trim();
        int eq = t.lastIndexOf('=');
        if (eq >= 0) t = t.substring(eq + 1).trim();
        t = t.replaceAll("^[\\s$€*_`\"'(\\[]+|[\\s.,;:!?)\\]\"'`*_]+$", "");
        if (t.isEmpty()) return null;
        Rational r = number(t, percent);
        if (r != null) return r;
        Integer w = NumberWords.parse(t);
        if (w != null) return Rational.of(w);
        Matcher m = NUMBER.matcher(t);
        Rational only = null;
        int count = 0;
        while (m.find()) {
            count++;
            only = number(m.group(), percent);
        }
        return count == 1 ? only : null;
    }

    /** A single number token, exactly; null if t is not one. */
    static Rational number(String t, boolean percent) {
        t = t.replace('−', '-').replace('–', '-');
        int slash = t.indexOf('/');
        if (slash > 0 && !t.endsWith("%")) {
            Rational a = number(t.substring(0, slash).trim(), false), b = number(t.substring(slash + 1).trim(), false);
            if (a == null || b == null || b.num().signum() == 0) return null;
            return a.div(b);
        }
        boolean pct = t.endsWith("%");
        if (pct) t = t.substring(0, t.length() - 1).trim();
        if (t.matches("-?\\d{1,3}(?:[,\\u202F\\u00A0 ]\\d{3})+(?:\\.\\d+)?")) {
            t = t.replaceAll("[,\\u202F\\u00A0 ]", "");
        } else if (t.matches("-?\\d+,\\d+")) {
            t = t.replace(',', '.');
        }
        if (!t.matches("-?\\d+(?:\\.\\d+)?")) return null;
        try {
            Rational r = Rational.parse(t);
            return pct && !percent ? r.div(Rational.of(100)) : r;
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    /** Whether the reply's final answer equals the reference (a number, or for non-numeric answers the same words). */
    public static boolean correct(String reply, String reference, boolean percent, boolean lastNumberFallback) {
        Extracted e = extract(reply, lastNumberFallback);
        return matches(e.text(), reference, percent);
    }

    public static boolean matches(String extracted, String reference, boolean percent) {
        if (extracted == null || extracted.isBlank() || reference == null) return false;
        // A reference from MATH-style data is LaTeX too (\frac{3}{4}).
        reference = latex(reference);
        Rational want = value(reference, percent);
        if (want != null) {
            Rational got = value(extracted, percent);
            return got != null && got.equals(want);
        }
        return normalise(extracted).equals(normalise(reference));
    }

    /** Lower case, accents kept, punctuation and articles around the words dropped: "The Paris." = "paris". */
    static String normalise(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[\\p{P}\\p{S}&&[^'-]]", " ").trim().replaceAll("\\s+", " ");
        return t.replaceFirst("^(the|a|an|el|la|los|las|un|una) ", "");
    }
}
