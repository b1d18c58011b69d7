package r1j.reward;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language consistency (R1 report §2.3.2): the proportion of the chain of thought that is in the target language (the
 * prompt's). The chain is cut into clauses at sentence ends and commas, so a switch of language mid-sentence is
 * seen; each clause counts with its number of words (a Chinese or Japanese character as half a word: words there
 * average about two), and counts as in the target language when the {@link LanguageIdentifier} finds that language
 * plausible for it. Numbers, formulas and quoted text are neutral: a translation's reasoning quotes the word it
 * translates. A chain with no words scores 1 (nothing in it is in another language).
 */
public final class LanguageConsistencyReward implements Reward {
    private static final Pattern CLAUSE = Pattern.compile("[.!?;:…]+(?=\\s|$)|[,，、。！？；：\\n]");
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|“[^”]*”|«[^»]*»");
    private final LanguageIdentifier id;

    public LanguageConsistencyReward() {
        this(LanguageIdentifier.shared());
    }

    public LanguageConsistencyReward(LanguageIdentifier id) {
        this.id = id;
    }

    @Override
    public String name() {
        return "language";
    }

    @Override
    public Score score(Sample s) {
        String target = s.meta("language");
        if (target == null) target = detect(s.prompt());
        String cot = QUOTED.matcher(Segment.REASONING.select(s.completion())).replaceAll(" ");
        double in = 0, all = 0;
        for (String clause : CLAUSE.split(cot)) {
            double words = words(clause);
            if (words == 0) continue;
            Set<String> languages = id.plausible(clause, target);
            if (languages.isEmpty()) continue;
            all += words;
            if (languages.contains(target)) in += words;
        }
        if (all == 0) return new Score(1, "no words in the reasoning");
        return new Score(in / all, String.format("%.1f of %.1f words in %s", in, all, target));
    }

    /** A clause's length in words; a Han or kana character is half a word. */
    static double words(String clause) {
        double n = 0;
        Matcher m = WORD.matcher(clause);
        while (m.find()) {
            long ideographs = m.group().codePoints().filter(LanguageConsistencyReward::ideograph).count();
            n += ideographs > 0 ? ideographs * 0.5 : 1;
        }
        return n;
    }

    private static boolean ideograph(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA;
    }

    /** The prompt's language: the likeliest one, "en" when it has no letters to go by. */
    public String detect(String text) {
        String l = id.likeliest(text);
        return l == null ? "en" : l;
    }
}
