package r1j.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The language-consistency reward on everyday text in six languages (issue 23), not only on the world's sentences. */
class LanguageConsistencyTest {
    private static final LanguageConsistencyReward REWARD = new LanguageConsistencyReward();

    static double score(String language, String chain) {
        return REWARD.score(new Sample("?", "<think> " + chain + " </think> <answer> 14 </answer>", "14",
                Map.of("language", language))).value();
    }

    static List<String[]> rows(String resource) throws IOException {
        try (InputStream in = LanguageConsistencyTest.class.getResourceAsStream("/language/" + resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t")).toList();
        }
    }

    static Stream<Arguments> chains() throws IOException {
        return rows("chains.tsv").stream().map(r -> Arguments.of(r[0], r[1], r[2]));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("chains")
    void chainsScoreByTheShareInThePromptsLanguage(String language, String expected, String chain) {
        double s = score(language, chain);
        switch (expected) {
            case "same" -> assertThat(s).isGreaterThanOrEqualTo(0.9);
            case "half" -> assertThat(s).isBetween(0.3, 0.7);
            case "other" -> assertThat(s).isLessThanOrEqualTo(0.1);
            default -> throw new IllegalArgumentException(expected);
        }
    }

    @Test
    void theIssuesSpanishChainIsConsistent() {
        String chain = "Primero multiplicamos tres por cuatro y obtenemos doce, luego sumamos dos y el resultado es catorce.";
        assertThat(score("es", chain)).isEqualTo(1.0);
        assertThat(score("en", chain)).isEqualTo(0.0);
    }

    @Test
    void everySentenceOfTheSixLanguagesIsIdentified() throws IOException {
        List<String[]> rows = rows("sentences.tsv");
        assertThat(rows).hasSize(90);
        for (String[] r : rows) assertThat(LanguageIdentifier.shared().likeliest(r[1])).as(r[1]).isEqualTo(r[0]);
    }

    @Test
    void numbersAndFormulasAreNeutral() {
        String words = "First we add three and four. Luego multiplicamos por dos."; // 6 English words of 10
        assertThat(score("en", words)).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(score("en", words + " 3 + 4 = 7, (7 * 2) - 1 = 13. 13 / 1 = 13"))
                .isEqualTo(score("en", words));
        assertThat(REWARD.score(new Sample("?", "<think> 3 + 4 = 7, 7 * 2 = 14 </think> <answer> 14 </answer>", "14",
                Map.of("language", "es"))).reason()).isEqualTo("no words in the reasoning");
    }

    @Test
    void quotedWordsAreMentionedNotUsed() {
        assertThat(score("en", "The Spanish word \"manzana\" means apple, so the answer is apple.")).isEqualTo(1.0);
    }

    @Test
    void aPromptsLanguageIsDetectedWhenTheDataDoesNotSayIt() {
        assertThat(REWARD.detect("¿Cuánto es 4 * (6 - 6)?")).isEqualTo("es");
        assertThat(REWARD.detect("Wie viel kostet ein Brot, wenn drei Brote sechs Euro kosten?")).isEqualTo("de");
        assertThat(REWARD.detect("3 + 4")).isEqualTo("en");
        Sample s = new Sample("Combien font trois fois quatre ?", "<think> Trois fois quatre font douze. </think> 12", "12", Map.of());
        assertThat(REWARD.score(s).value()).isEqualTo(1.0);
    }

    @Test
    void aTargetOutsideTheSetJoinsIt() {
        String swedish = "Först multiplicerar vi tre med fyra och får tolv. Sedan lägger vi till två, så svaret är fjorton.";
        assertThat(score("sv", swedish)).isGreaterThanOrEqualTo(0.9);
        assertThat(score("sv", "First we multiply three by four and get twelve. Then we add two, so the answer is fourteen."))
                .isLessThanOrEqualTo(0.1);
        assertThatThrownBy(() -> score("xx", swedish)).hasMessageContaining("language 'xx' is not an ISO 639-1 code");
    }

    @Test
    void aHanCharacterCountsHalfAWord() {
        assertThat(LanguageConsistencyReward.words("首先我们")).isEqualTo(2.0);
        assertThat(LanguageConsistencyReward.words("First, 3 + 4 = 7 we add")).isEqualTo(3.0);
    }
}
