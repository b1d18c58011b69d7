package r1j.reward;

/**
 * Says which language a word belongs to, or null when it cannot tell (numbers, symbols, words both languages
 * share). The language-consistency reward counts words through it.
 */
public interface LanguageIdentifier {
    String languageOf(String word);
}
