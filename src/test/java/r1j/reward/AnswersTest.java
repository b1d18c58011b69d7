package r1j.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Answer extraction and exact equivalence, traps included, and the format reward's corner cases. */
class AnswersTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // reply, reference, correct?
                Arguments.of("<answer> 14 </answer>", "14", true),
                Arguments.of("<answer>14</answer>", "14", true),
                Arguments.of("<answer> 14.0 </answer>", "14", true),
                Arguments.of("<answer> 14.00 </answer>", "14", true),
                Arguments.of("<answer> 28/2 </answer>", "14", true),
                Arguments.of("<answer> 1,400/100 </answer>", "14", true),
                Arguments.of("<answer> 14/1 </answer>", "14", true),
                Arguments.of("<answer> 14. </answer>", "14", true),
                Arguments.of("<answer> 14! </answer>", "14", true),
                Arguments.of("<answer> fourteen </answer>", "14", true),
                Arguments.of("<answer> catorce </answer>", "14", true),
                Arguments.of("<answer> Fourteen. </answer>", "14", true),
                Arguments.of("<answer> forty-two </answer>", "42", true),
                Arguments.of("<answer> treinta y dos </answer>", "32", true),
                Arguments.of("<answer> −14 </answer>", "-14", true),
                Arguments.of("<answer> -14 </answer>", "-14", true),
                Arguments.of("<answer> 14 </answer>", "-14", false),
                Arguments.of("<answer> minus fourteen </answer>", "-14", true),
                Arguments.of("<answer> 1 400 </answer>", "1400", true),
                Arguments.of("<answer> 1,400 </answer>", "1400", true),
                Arguments.of("<answer> 1400 </answer>", "1,400", true),
                Arguments.of("<answer> 0.5 </answer>", "1/2", true),
                Arguments.of("<answer> 1/2 </answer>", "0.5", true),
                Arguments.of("<answer> 3,5 </answer>", "7/2", true),
                Arguments.of("<answer> 0.3 </answer>", "3/10", true),
                Arguments.of("<answer> 0.30000000000000004 </answer>", "0.3", false),
                Arguments.of("<answer> 0.1 + 0.2 = 0.3 </answer>", "0.3", true),
                Arguments.of("<answer> x = 14 </answer>", "14", true),
                Arguments.of("<answer> 2 + 12 = 14 </answer>", "14", true),
                Arguments.of("<answer> 14 apples </answer>", "14", true),
                Arguments.of("<answer> $14 </answer>", "14", true),
                Arguments.of("<answer> 20 or 14 </answer>", "14", false),
                Arguments.of("<answer> </answer>", "14", false),
                Arguments.of("<answer></answer> 14", "14", false),
                Arguments.of("<answer> 20 </answer> <answer> 14 </answer>", "14", true),
                Arguments.of("<answer> 14 </answer> <answer> 20 </answer>", "14", false),
                Arguments.of("<think> 3 * 4 = 12 so 14 </think> <answer> 20 </answer>", "14", false),
                Arguments.of("<think> 14 is tempting but </think> <answer> 20 </answer>", "20", true),
                Arguments.of("<think> 2 + 3 = 5 </think> <answer> 5 * 4 = 20 </answer>", "14", false),
                Arguments.of("14", "14", true),
                Arguments.of("14.", "14", true),
                Arguments.of("The result is 14.", "14", true),
                Arguments.of("First 3 * 4 = 12, then 2 + 12 = 14", "14", true),
                Arguments.of("First 3 * 4 = 12, then 2 + 12 = 14, not 20", "14", false),
                Arguments.of("The answer is 14.", "14", true),
                Arguments.of("The answer is 14. I checked 20 too.", "14", true),
                Arguments.of("La respuesta es catorce.", "14", true),
                Arguments.of("La respuesta es 14", "14", true),
                Arguments.of("| special_token | 3 * 4 = 12, 2 + 12 = 14 | special_token | Summary: The answer is 14.", "14", true),
                Arguments.of("| special_token | 2 + 3 = 5, 5 * 4 = 20 | special_token | Summary: The answer is 20.", "14", false),
                Arguments.of("| special_token | 3 por 4 son 12 | special_token | Resumen: La respuesta es 14.", "14", true),
                Arguments.of("so \\boxed{14}", "14", true),
                Arguments.of("\\boxed{20} wait no \\boxed{14}", "14", true),
                Arguments.of("\\boxed{\\frac{7}{2}}", "7/2", true),
                Arguments.of("\\boxed{\\dfrac{1}{2}}", "0.5", true),
                Arguments.of("$\\frac{1}{2}+\\frac{1}{4} = \\boxed{\\frac{3}{4}}$", "\\frac{3}{4}", true),
                Arguments.of("\\boxed{\\text{Paris}}", "Paris", true),
                Arguments.of("48+24 = 72 clips.\n#### 72", "72", true),
                Arguments.of("#### 1,072", "1072", true),
                Arguments.of("#### 70\nI mean 72", "72", false),
                Arguments.of("no numbers here", "14", false),
                Arguments.of("", "14", false),
                Arguments.of("<answer> 50% </answer>", "1/2", true),
                Arguments.of("<answer> 50% </answer>", "50", false),
                Arguments.of("<answer> 7/0 </answer>", "7", false),
                Arguments.of("<answer> Paris </answer>", "Paris", true),
                Arguments.of("<answer> paris. </answer>", "Paris", true),
                Arguments.of("<answer> The Paris </answer>", "Paris", true),
                Arguments.of("<answer> Madrid </answer>", "Paris", false),
                Arguments.of("<answer> gato </answer>", "gato", true),
                Arguments.of("<answer> 0014 </answer>", "14", true),
                Arguments.of("<answer> 14.5 </answer>", "14", false),
                Arguments.of("<answer> 99 </answer>", "99", true),
                Arguments.of("<answer> noventa y nueve </answer>", "99", true),
                Arguments.of("<answer> ninety nine </answer>", "99", false));
    }

    @ParameterizedTest(name = "[{index}] {0} vs {1}")
    @MethodSource("cases")
    void extractionAndEquivalence(String reply, String reference, boolean correct) {
        Score s = new AccuracyReward(true).score(new Sample("q", reply, reference, Map.of()));
        assertThat(s.value()).as(s.reason()).isEqualTo(correct ? 1.0 : 0.0);
    }

    @ParameterizedTest(name = "[{index}] percent problem: {0}")
    @MethodSource("percentCases")
    void percentagesWhereTheProblemSaysSo(String reply, String reference, boolean correct) {
        Score s = new AccuracyReward(true).score(new Sample("What percent ...?", reply, reference, Map.of("percent", "true")));
        assertThat(s.value()).as(s.reason()).isEqualTo(correct ? 1.0 : 0.0);
    }

    static Stream<Arguments> percentCases() {
        return Stream.of(Arguments.of("<answer> 50% </answer>", "50", true), Arguments.of("<answer> 50 </answer>", "50", true),
                Arguments.of("<answer> 0.5 </answer>", "50", false));
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("<think> a </think> <answer> 1 </answer>", true),
                Arguments.of(" <think>a</think><answer>1</answer>\n", true),
                Arguments.of("<think>\nline\n</think>\n<answer>\n1\n</answer>", true),
                Arguments.of("<think> a </think> <answer> 1 </answer><｜end▁of▁sentence｜>", true),
                Arguments.of("<think> a </think> <answer> 1 </answer> trailing", false),
                Arguments.of("<answer> 1 </answer> <think> a </think>", false),
                Arguments.of("<think> a <think> b </think> </think> <answer> 1 </answer>", false),
                Arguments.of("<think> a </think> <answer> 1 </answer> <answer> 2 </answer>", false),
                Arguments.of("<think> a </think> <think> b </think> <answer> 1 </answer>", false),
                Arguments.of("<think> a <answer> 1 </answer> </think>", false),
                Arguments.of("<think> a </think>", false),
                Arguments.of("<answer> 1 </answer>", false),
                Arguments.of("<think> a <answer> 1 </answer>", false),
                Arguments.of("preamble <think> a </think> <answer> 1 </answer>", false),
                Arguments.of("14", false),
                Arguments.of("", false));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("formats")
    void formatRewardCornerCases(String reply, boolean ok) {
        Score s = new FormatReward().score(Sample.of("q", reply, "1"));
        assertThat(s.value()).as(s.reason()).isEqualTo(ok ? 1.0 : 0.0);
    }
}
