package r1j.reward;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which languages a stretch of text could be in, by Lingua (pemistahl/lingua: character 1- to 5-gram models made for
 * short text; docs/language-id.md has the comparison that chose it). Lingua scores a text against a set of languages;
 * its confidence in a language is the best language's log-likelihood divided by that language's, 1 for the best.
 * Every language within {@link #TOLERANCE} of the best is plausible: one or two words ("Sí", "Por último", "Then")
 * fit several languages nearly equally, and a consistency reward must not punish a word that fits the prompt's
 * language. Among plausible languages the world's word lists pick the one its own phrases are in ({@link WorldWords}).
 * The models of the 12 {@link #LANGUAGES} take ~3 s to load and ~0.5 GB of heap, once per JVM ({@link #shared()}).
 */
public final class LanguageIdentifier {
    /** The languages told apart: the world's two, the other large Latin-script ones, and the largest other scripts. */
    public static final List<String> LANGUAGES = List.of("en", "es", "fr", "de", "pt", "it", "nl", "zh", "ja", "ko", "ru", "ar");
    static final double TOLERANCE = 0.9;
    private static final int CACHE_LIMIT = 1 << 17;
    /** Words as Lingua reads them: letters, with apostrophes inside ("l'école", "d'abord"). */
    private static final Pattern WORD = Pattern.compile("\\p{L}+(?:['’]\\p{L}+)*");
    private static volatile LanguageIdentifier shared;

    /** Detectors by the language added to {@link #LANGUAGES} ("" for none): a target outside the set joins it. */
    private final Map<String, LanguageDetector> detectors;
    private final Map<String, Set<String>> plausible = new ConcurrentHashMap<>();
    private final int cacheLimit;

    private LanguageIdentifier(Map<String, LanguageDetector> detectors, int cacheLimit) {
        this.detectors = detectors;
        this.cacheLimit = cacheLimit;
    }

    /** The same models without the cache: every text is judged afresh (what `r1j bench reward` measures as new text). */
    public LanguageIdentifier uncached() {
        return new LanguageIdentifier(detectors, 0);
    }

    public static LanguageIdentifier shared() {
        LanguageIdentifier id = shared;
        if (id == null) {
            synchronized (LanguageIdentifier.class) {
                if (shared == null) shared = new LanguageIdentifier(new ConcurrentHashMap<>(), CACHE_LIMIT);
                id = shared;
            }
        }
        return id;
    }

    /** The text's words, lower-cased and joined by single spaces: what the models read, and the cache's key. */
    static String words(String text) {
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(m.group());
        }
        return sb.toString();
    }

    /** The likeliest of {@link #LANGUAGES} (ISO 639-1) for the text, or null when it has no letters to go by. */
    public String likeliest(String text) {
        String words = words(text);
        if (words.isEmpty()) return null;
        Language l = detector("").detectLanguageOf(words);
        return l == Language.UNKNOWN ? null : code(l);
    }

    /**
     * The languages (ISO 639-1) the text could be in, judged among {@link #LANGUAGES} and the target; empty when it has
     * no letters to go by. Results are cached by the text's words, so repeated phrases cost a map lookup.
     */
    public Set<String> plausible(String text, String target) {
        String words = words(text);
        if (words.isEmpty()) return Set.of();
        String extra = LANGUAGES.contains(target) ? "" : language(target).getIsoCode639_1().toString().toLowerCase(Locale.ROOT);
        if (cacheLimit == 0) return compute(words, extra);
        String key = extra + '|' + words;
        Set<String> known = plausible.get(key);
        if (known != null) return known;
        if (plausible.size() >= cacheLimit) plausible.clear();
        Set<String> computed = compute(words, extra);
        plausible.put(key, computed);
        return computed;
    }

    private Set<String> compute(String words, String extra) {
        Set<String> out = new TreeSet<>();
        for (var e : detector(extra).computeLanguageConfidenceValues(words).entrySet())
            if (e.getValue() >= TOLERANCE) out.add(code(e.getKey()));
        String listed = WorldWords.languageOf(words);
        return listed != null && out.contains(listed) ? Set.of(listed) : Set.copyOf(out);
    }

    private LanguageDetector detector(String extra) {
        return detectors.computeIfAbsent(extra, x -> {
            List<Language> ls = new ArrayList<>();
            for (String c : LANGUAGES) ls.add(language(c));
            if (!x.isEmpty()) ls.add(language(x));
            return LanguageDetectorBuilder.fromLanguages(ls.toArray(Language[]::new)).build();
        });
    }

    private static Language language(String code) {
        try {
            Language l = Language.getByIsoCode639_1(IsoCode639_1.valueOf(code.toUpperCase(Locale.ROOT)));
            if (l != Language.UNKNOWN) return l;
        } catch (IllegalArgumentException e) {
            // named below
        }
        throw new IllegalArgumentException("language '" + code + "' is not an ISO 639-1 code of a language Lingua knows"
                + " (e.g. en, es, fr, de, pt, zh)");
    }

    private static String code(Language l) {
        return l.getIsoCode639_1().toString().toLowerCase(Locale.ROOT);
    }
}
