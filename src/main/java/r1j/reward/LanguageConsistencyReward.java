package r1j.reward;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language consistency (R1 report §2.3.2): the proportion of words of the chain of thought that are in the target
 * language (the prompt's). Only words whose language the identifier can tell are counted; a chain with none scores 1
 * (nothing in it is in another language). For the world's two languages a Latin word that neither list knows counts
 * as not-Spanish for a Spanish prompt and as English-compatible otherwise ("latin"). Quoted text is left out.
 */
public final class LanguageConsistencyReward implements Reward {
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|“[^”]*”|«[^»]*»");
    private final LanguageIdentifier id;

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
        // A quoted word is mentioned, not used: a translation's reasoning quotes the word it translates.
        String cot = QUOTED.matcher(Segment.REASONING.select(s.completion())).replaceAll(" ");
        Matcher m = WORD.matcher(cot);
        int known = 0, in = 0;
        while (m.find()) {
            String lang = id.languageOf(m.group());
            if (lang == null) continue;
            known++;
            if (lang.equals(target) || ("latin".equals(lang) && "en".equals(target))) in++;
        }
        if (known == 0) return new Score(1, "no words in the reasoning");
        double share = (double) in / known;
        return new Score(share, String.format("%d of %d words in %s", in, known, target));
    }

    /** The language most of the prompt's identifiable words are in ("en" when none). */
    public String detect(String text) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String lang = id.languageOf(m.group());
            if (lang != null && !lang.equals("latin")) counts.merge(lang, 1, Integer::sum);
        }
        if (text.contains("¿") || text.contains("¡")) counts.merge("es", 2, Integer::sum);
        return counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey).orElse("en");
    }
}
