package r1j.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/grpo.md's worked example: "What is 2 + 3 * 4?", G = 4. */
class WorkedExampleTest {
    static final String Q = "What is 2 + 3 * 4?";
    static final List<String> OUTPUTS = List.of(
            "<think> 2 + 3 = 5, 5 * 4 = 20 </think> <answer> 20 </answer>",
            "<think> 3 * 4 = 12, 2 + 12 = 14 </think> <answer> 14 </answer>",
            "14",
            "<think> blorp zig qua ffft </think> <answer> 7 </answer>");

    private static double total(Rewards r, String completion) {
        return r.score(new Sample(Q, completion, "14", Map.of("language", "en"))).total();
    }

    @Test
    void accuracyPlusFormatBonus() {
        Rewards r = Rewards.parse("accuracy,format", null);
        double[] want = {0.1, 1.1, 1.0, 0.1};
        for (int i = 0; i < 4; i++) assertThat(total(r, OUTPUTS.get(i))).as("o%d", i + 1).isCloseTo(want[i], offset(1e-12));
    }

    @Test
    void accuracyPlusLanguageConsistency() {
        Rewards r = Rewards.parse("accuracy,language", "1,0.2");
        assertThat(total(r, OUTPUTS.get(0))).isCloseTo(0.2, offset(1e-12));
        assertThat(total(r, OUTPUTS.get(1))).isCloseTo(1.2, offset(1e-12));
        // A Spanish chain of thought for an English question loses the consistency part.
        assertThat(total(r, "<think> primero tres por cuatro son doce, más dos son catorce </think> <answer> 14 </answer>"))
                .isLessThan(1.1);
    }

    @Test
    void aRewardScopedToCategoriesScoresOnlyThoseAndZeroElsewhere() {
        Rewards r = Rewards.parse("accuracy:arith+word,format", "1,0.1");
        Sample arith = new Sample(Q, OUTPUTS.get(1), "14", Map.of("language", "en", "category", "arith"));
        Sample safety = new Sample(Q, OUTPUTS.get(1), "14", Map.of("language", "en", "category", "safety"));
        List<Rewards.Result> res = r.scoreAll(List.of(arith, safety, arith));
        assertThat(res).extracting(Rewards.Result::total).containsExactly(1.1, 0.1, 1.1);
        assertThat(res.get(1).parts().get("accuracy").reason()).contains("not scored for category safety");
        assertThat(r.rewards().get(0).name()).isEqualTo("accuracy");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rewards.parse("accuracy:", null)).hasMessageContaining("empty category");
    }
}
