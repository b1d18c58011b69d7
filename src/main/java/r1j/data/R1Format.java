package r1j.data;

import r1j.tokenizer.SpecialTokens;

/**
 * Writing replies in the readable output format of DeepSeek-R1's cold-start data (§2.3.1), {@code | special_token |
 * reasoning | special_token | summary}; {@code reward.ReadableFormat} checks it.
 */
public final class R1Format {
    private R1Format() {}

    /** The reply; an empty reasoning writes no chain of thought (a trivial question, as R1 answers "hello"). */
    public static String render(String reasoning, String summary) {
        return SpecialTokens.SPECIAL + " " + reasoning.trim() + " " + SpecialTokens.SPECIAL + " " + summary.trim();
    }

    /** "Summary: body The answer is X." in the prompt's language (no "Summary:" part when body is empty). */
    public static String summary(String body, String answer, String language) {
        boolean es = "es".equals(language);
        String b = body == null || body.isBlank() ? "" : (es ? "Resumen: " : "Summary: ") + body.trim() + " ";
        return b + (es ? "La respuesta es " : "The answer is ") + answer + ".";
    }
}
