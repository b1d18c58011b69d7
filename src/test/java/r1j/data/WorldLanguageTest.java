package r1j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.Sample;
import r1j.reward.Score;

/** The world's own solutions, as the language-consistency reward sees them: each style in its language, mixing mixed. */
class WorldLanguageTest {
    private static final LanguageConsistencyReward LANGUAGE = new LanguageConsistencyReward();
    private static final List<Problem> PROBLEMS = new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 600, 3).stream()
            .filter(p -> p.category().equals("arith") || p.category().equals("word")).toList();

    private static double mean(Corpus.Style style, boolean ownLanguage) {
        return mean(style, ownLanguage, PROBLEMS);
    }

    private static double mean(Corpus.Style style, boolean ownLanguage, List<Problem> problems) {
        SplittableRandom r = new SplittableRandom(5);
        double sum = 0;
        int n = 0;
        for (Problem p : problems) {
            String doc = Documents.solution(style, p, r);
            String reasoning = doc.contains("<think>") ? doc.substring(doc.indexOf("<think>"))
                    : doc.substring(doc.indexOf(':') + 1, doc.lastIndexOf(p.language().equals("es") ? ". La respuesta" : ". The answer"));
            String target = ownLanguage ? p.language() : p.language().equals("es") ? "en" : "es";
            Score s = LANGUAGE.score(new Sample(p.prompt(), reasoning, p.answer(), Map.of("language", target)));
            if (s.reason().equals("no words in the reasoning")) continue; // "6 + 8 = 14, 14 + 9 = 23" is neutral
            sum += s.value();
            n++;
        }
        assertThat(n).as("%s chains with words", style).isGreaterThan(80);
        return sum / n;
    }

    @Test
    void solutionsAreInTheirProblemsLanguageAndNotInTheOther() {
        for (Corpus.Style style : List.of(Corpus.Style.CAREFUL, Corpus.Style.LEFT_TO_RIGHT, Corpus.Style.SELF_CORRECTION,
                Corpus.Style.MESSY)) {
            assertThat(mean(style, true)).as("%s in its own language", style).isGreaterThanOrEqualTo(0.99);
            assertThat(mean(style, false)).as("%s in the other language", style).isLessThanOrEqualTo(0.1);
        }
    }

    @Test
    void englishProblemsAreCheckedInEnglishAndSpanishOnesSometimesInEnglish() {
        List<Problem> en = PROBLEMS.stream().filter(p -> p.language().equals("en")).toList();
        List<Problem> es = PROBLEMS.stream().filter(p -> p.language().equals("es")).toList();
        assertThat(mean(Corpus.Style.CHECKED, true, en)).isGreaterThanOrEqualTo(0.99);
        // The attempt is in digits, so a Spanish reply checked in English is nearly all English (Documents.checked).
        assertThat(mean(Corpus.Style.CHECKED, true, es)).isCloseTo(1 - Documents.SPANISH_CHECK_IN_ENGLISH, org.assertj.core.data.Offset.offset(0.12));
    }

    @Test
    void mixedLanguageSolutionsAreHalfConsistent() {
        assertThat(mean(Corpus.Style.MIXED_LANGUAGE, true)).isBetween(0.3, 0.7);
    }
}
