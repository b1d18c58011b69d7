import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfile;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One candidate (its index in the list below; compare.sh runs each in its own JVM, since Lingua keeps loaded models in a
 * static cache): sentences and world clauses identified right, microseconds per sentence, load time, heap.
 */
public class Compare {
    static final List<String> SET = List.of("en", "es", "fr", "de", "pt", "it", "nl", "zh", "ja", "ko", "ru", "ar");

    public static void main(String[] args) throws Exception {
        List<String[]> sentences = rows(args[0]), clauses = rows(args[1]);
        boolean json = Arrays.asList(args).contains("--json");
        int only = Integer.parseInt(args[2]);
        Map<String, Supplier<Function<String, String>>> candidates = new LinkedHashMap<>();
        Language[] set = SET.stream().map(c -> Language.getByIsoCode639_1(IsoCode639_1.valueOf(c.toUpperCase(Locale.ROOT)))).toArray(Language[]::new);
        candidates.put("lingua, 12 languages", () -> lingua(LanguageDetectorBuilder.fromLanguages(set).withPreloadedLanguageModels().build()));
        candidates.put("lingua, 12 languages, low accuracy", () -> lingua(LanguageDetectorBuilder.fromLanguages(set).withLowAccuracyMode().withPreloadedLanguageModels().build()));
        candidates.put("lingua, all 75 languages", () -> lingua(LanguageDetectorBuilder.fromAllLanguages().withPreloadedLanguageModels().build()));
        candidates.put("optimaize, 12 languages", () -> optimaize(true));
        candidates.put("optimaize, all 70 languages", () -> optimaize(false));
        if (only < 0) {
            System.out.println(candidates.size());
            return;
        }
        for (var c : List.copyOf(candidates.entrySet()).subList(only, only + 1)) {
            System.gc();
            long heap0 = used(), t0 = System.nanoTime();
            Function<String, String> f = c.getValue().get();
            double load = (System.nanoTime() - t0) / 1e9;
            System.gc();
            long heap = used() - heap0;
            int okS = 0, okC = 0;
            List<String> misses = new ArrayList<>();
            for (String[] r : sentences) if (f.apply(r[1]).equals(r[0])) okS++; else misses.add(r[0] + " -> " + f.apply(r[1]) + ": " + r[1]);
            for (String[] r : clauses) if (f.apply(r[1]).equals(r[0])) okC++; else misses.add(r[0] + " -> " + f.apply(r[1]) + ": " + r[1]);
            double[] us = new double[5];
            for (int rep = 0; rep < us.length; rep++) {
                long s0 = System.nanoTime();
                for (String[] r : sentences) f.apply(r[1]);
                us[rep] = (System.nanoTime() - s0) / 1e3 / sentences.size();
            }
            Arrays.sort(us);
            if (json) {
                System.out.printf(Locale.ROOT, "{\"candidate\":\"%s\",\"sentences_right\":%d,\"sentences\":%d,\"clauses_right\":%d,\"clauses\":%d,"
                        + "\"us_per_sentence\":%.0f,\"load_s\":%.1f,\"heap_mb\":%d}%n", c.getKey(), okS, sentences.size(), okC, clauses.size(), us[2], load, heap >> 20);
            } else {
                System.out.printf(Locale.ROOT, "%-36s sentences %2d/%d  world clauses %2d/%d  %5.0f µs/sentence  load %4.1f s  heap %4d MB%n",
                        c.getKey(), okS, sentences.size(), okC, clauses.size(), us[2], load, heap >> 20);
                for (String m : misses) System.out.println("    " + m);
            }
        }
    }

    static Function<String, String> lingua(com.github.pemistahl.lingua.api.LanguageDetector d) {
        return s -> {
            Language l = d.detectLanguageOf(s);
            return l == Language.UNKNOWN ? "?" : l.getIsoCode639_1().toString().toLowerCase(Locale.ROOT);
        };
    }

    static Function<String, String> optimaize(boolean onlySet) {
        try {
            List<LanguageProfile> profiles = new ArrayList<>();
            for (LanguageProfile p : new LanguageProfileReader().readAllBuiltIn())
                if (!onlySet || SET.contains(p.getLocale().getLanguage())) profiles.add(p);
            var d = com.optimaize.langdetect.LanguageDetectorBuilder.create(NgramExtractors.standard()).withProfiles(profiles).build();
            TextObjectFactory text = CommonTextObjectFactories.forDetectingShortCleanText();
            return s -> {
                var ps = d.getProbabilities(text.forText(s));
                return ps.isEmpty() ? "?" : ps.get(0).getLocale().getLanguage();
            };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long used() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    static List<String[]> rows(String file) throws java.io.IOException {
        return Files.readAllLines(Path.of(file)).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t", 2)).toList();
    }
}
