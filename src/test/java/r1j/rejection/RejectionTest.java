package r1j.rejection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import r1j.data.Datasets;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.reward.Answers;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.Sample;

/** The rejection sampler's filters, each on a crafted sample; the judge's verdict parsing; the stage-2 data. */
class RejectionTest {
    private static final Datasets.Example EN = new Datasets.Example(1, "What is 2 + 3 * 4?", "14", null, null, Map.of("language", "en"));
    private static final String GOOD = "| special_token | First, 3 * 4 = 12. Finally, 2 + 12 = 14. | special_token | Summary: 2 + 12 = 14. The answer is 14.";

    private static String reason(String completion, String finish) {
        return RejectionSampler.filterReason(EN, completion, finish, 120);
    }

    @Test
    void eachFilterRejectsItsCrafedSample() {
        assertThat(reason(GOOD, "stop")).isNull();
        assertThat(reason(GOOD, "length")).isEqualTo("truncated");
        assertThat(reason("<think> 3 * 4 = 12, 2 + 12 = 14 </think> <answer> 14 </answer>", "stop")).isEqualTo("not readable");
        assertThat(reason(GOOD.replace("Finally,", "```\nprint(2 + 12)\n``` Finally,"), "stop")).isEqualTo("code block");
        String longChain = "| special_token | " + "First, 3 * 4 = 12. ".repeat(10) + "| special_token | The answer is 14.";
        assertThat(reason(longChain, "stop")).isEqualTo("long paragraph");
        assertThat(reason(GOOD.replace("Finally", "Luego, entonces"), "stop")).isEqualTo("mixed language");
    }

    @Test
    void theJudgesVerdictIsReadRobustly() {
        assertThat(Judge.parse("Verdict: CORRECT")).isTrue();
        assertThat(Judge.parse("verdict: incorrect.")).isFalse();
        assertThat(Judge.parse("**Verdict:** [[Correct]]")).isTrue();
        assertThat(Judge.parse("Veredicto: incorrecto")).isFalse();
        assertThat(Judge.parse("Veredicto: correcto")).isTrue();
        assertThat(Judge.parse("The prediction is not correct.")).isFalse();
        assertThat(Judge.parse("Yes, it matches the reference")).isTrue();
        assertThat(Judge.parse("Reply with Verdict: CORRECT or Verdict: INCORRECT. Verdict: INCORRECT")).isFalse();
        assertThat(Judge.parse("Verdict: blorp")).isNull();
        assertThat(Judge.parse("")).isNull();
        assertThat(Judge.parse(null)).isNull();
        assertThat(Judge.prompt("q", "14", "15")).contains("Reference answer: 14").contains("Predicted answer: 15");
    }

    @Test
    void generalRowsAnswerInTheQuestionsLanguageAndMixAtTheShare() {
        List<Problem> general = new World(World.Mix.defaults().withCategories(Map.of("general", 1.0))).tasks(Splits.Split.TRAIN, 40, 2);
        LanguageConsistencyReward lang = new LanguageConsistencyReward();
        for (Problem p : general) {
            String c = (String) Stage2Data.general(p).get("completion");
            assertThat(Answers.correct(c, p.answer(), false, false)).as(c).isTrue();
            assertThat(lang.score(new Sample(p.prompt(), c, p.answer(), Map.of("language", p.language()))).value()).as(c).isEqualTo(1);
        }
        List<Map<String, Object>> reasoning = new ArrayList<>();
        for (int i = 0; i < 30; i++) reasoning.add(Map.of("prompt", "p" + i, "completion", GOOD, "source", "rejection"));
        List<Map<String, Object>> mixed = Stage2Data.mix(reasoning, general, 10, 3);
        assertThat(mixed).hasSize(40);
        assertThat(mixed.stream().filter(m -> "non-reasoning".equals(m.get("source"))).count()).isEqualTo(10);
        assertThat(mixed.subList(0, 30).stream().allMatch(m -> "rejection".equals(m.get("source")))).as("shuffled").isFalse();
    }
}
