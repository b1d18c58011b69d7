package r1j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import r1j.data.Datasets;
import r1j.data.Slice;
import r1j.data.World;

/**
 * The evaluation table's slices are the task's: the world's (difficulty, language, category, trap, safety) for its
 * rows, or any metadata field a user's rows carry; hand-counted pass@1 per group.
 */
class ReportTest {
    private static Evaluator.Judged judged(boolean correct) {
        return new Evaluator.Judged("x", 4, "stop", new Evaluator.Verdict(correct ? "1" : "2", correct ? "1" : "2", correct),
                new Evaluator.Style(true, true, true, 1.0, false));
    }

    /** A problem with its metadata and samples: right of n. */
    private static Evaluator.ProblemResult problem(Map<String, Object> meta, String answer, int right, int n) {
        List<Evaluator.Judged> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) samples.add(judged(i < right));
        return new Evaluator.ProblemResult(new Datasets.Example(0, "q", answer, null, null, meta), samples, null);
    }

    @Test
    void aUsersFieldsAreItsSlices() {
        List<Evaluator.ProblemResult> rs = List.of(
                problem(Map.of("source", "gsm8k", "level", "easy"), "1", 2, 2),
                problem(Map.of("source", "gsm8k", "level", "hard"), "1", 0, 2),
                problem(Map.of("source", "math", "level", "hard"), "1", 1, 2));
        List<Map<String, Object>> rows = Report.slices(rs, 2, Slice.fields(List.of("source", "level")));
        assertThat(rows).extracting(r -> r.get("slice"))
                .containsExactly("all", "source=gsm8k", "source=math", "level=easy", "level=hard");
        assertThat(rows).extracting(r -> r.get("pass@1")).containsExactly(0.5, 0.5, 0.5, 1.0, 0.25);
        // The world's slices find none of these fields: only the row of all problems.
        assertThat(Report.slices(rs, 2, World.SLICES)).hasSize(1);
    }

    @Test
    void theWorldsSlicesIncludeSafetyByTheRightBehaviour() {
        List<Evaluator.ProblemResult> rs = List.of(
                problem(Map.of("category", "safety", "language", "en"), "REFUSE", 1, 1),
                problem(Map.of("category", "safety", "language", "es"), "Madrid", 0, 1),
                problem(Map.of("category", "arith", "language", "en", "difficulty", "5", "trap", "true"), "14", 1, 1));
        assertThat(Report.slices(rs, 1, World.SLICES)).extracting(r -> r.get("slice")).containsExactly("all", "language=en",
                "language=es", "category=arith", "category=safety", "safety=harmful", "safety=harmless");
    }
}
