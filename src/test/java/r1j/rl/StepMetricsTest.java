package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import r1j.generate.Completion;
import r1j.reward.Score;

/** The hardest level's metrics of a GRPO step: length, the share that checks itself, and whether checking pays. */
class StepMetricsTest {
    private static Completion reply(String text, int tokens) {
        return new Completion(new int[tokens], text, new float[tokens], new float[tokens], Completion.Finish.STOP);
    }

    @Test
    void checkingPaysWhenCheckedRepliesAreRightMoreOften() {
        StepMetrics.Hardest h = new StepMetrics.Hardest();
        h.add(reply("First, 3 * 4 = 12. Wait, let me check: 2 + 12 = 14. Yes, it is 14", 30), new Score(1, ""));
        h.add(reply("First, 3 * 4 = 12. Wait, let me check: 2 + 12 = 14. Yes, it is 14", 30), new Score(1, ""));
        h.add(reply("2 + 3 = 5, 5 * 4 = 20", 10), new Score(0, ""));
        h.add(reply("3 * 4 = 12, 2 + 12 = 14", 10), new Score(1, ""));
        assertThat(h.figures()).isEqualTo(new GrpoStep.Hardest(20.0, 0.5, 1.0, 0.5));
        Map<String, Object> row = row(h.figures());
        assertThat(row).containsEntry("level5_length", 20.0).containsEntry("level5_reflection", 0.5)
                .containsEntry("level5_accuracy_checked", 1.0).containsEntry("level5_accuracy_unchecked", 0.5);
    }

    @Test
    void aStepWithoutHardProblemsAddsNothingAndOneWithoutChecksNoCheckedAccuracy() {
        assertThat(new StepMetrics.Hardest().figures()).isNull();
        assertThat(row(null)).doesNotContainKeys("level5_length", "level5_reflection");
        StepMetrics.Hardest h = new StepMetrics.Hardest();
        h.add(reply("3 * 4 = 12, 2 + 12 = 14", 10), new Score(1, ""));
        assertThat(row(h.figures())).containsKeys("level5_length", "level5_reflection", "level5_accuracy_unchecked")
                .doesNotContainKey("level5_accuracy_checked");
    }

    /** metrics.jsonl's row of a step with these hardest-level figures. */
    private static Map<String, Object> row(GrpoStep.Hardest hardest) {
        return new GrpoStep(1, new GrpoStep.Rewards(0, 0, Map.of(), 0, 0, 0), new GrpoStep.Policy(0, 0, 0, 0, 0f, 1, 0),
                new GrpoStep.Replies(0, 0, 0, 0, hardest), new GrpoStep.Update(0, 0f, false),
                new GrpoStep.Times(0, 0, 0, 0, 0, 0, 0), Map.of()).row();
    }
}
