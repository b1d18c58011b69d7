package r1j.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.reward.Answers;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.ReadableFormat;
import r1j.reward.Sample;

/** The rule-based annotator's rewrites and the cold-start filters, each rule on a crafted reply. */
class AnnotatorTest {
    private static double readable(String c) {
        return new ReadableFormat().score(new Sample("q", c, "1", Map.of())).value();
    }

    @Test
    void rewritesAnR1ZeroReplyIntoTheReadableFormatKeepingItsAnswer() {
        String reply = " <think> 3 * 4 = 12, 2 + 12 = 14 </think> <answer> 14 </answer>";
        Annotator.Outcome o = Annotator.rewrite(reply, "en");
        assertThat(o.kept()).isTrue();
        assertThat(o.completion()).isEqualTo("| special_token | First, 3 * 4 = 12. Finally, 2 + 12 = 14. | special_token | "
                + "Summary: 2 + 12 = 14. The answer is 14.");
        assertThat(Answers.value(Answers.extract(o.completion(), false).text(), false)).isEqualTo(Answers.value(Answers.extract(reply, false).text(), false));
        assertThat(readable(o.completion())).isEqualTo(1);
    }

    @Test
    void keepsOnlyWhatFollowsTheLastReflectionAndWritesTheReasoningInThePromptsLanguage() {
        String reply = "<think> 2 + 3 = 5, 5 * 4 = 20. Wait, multiplication comes before addition. 3 * 4 = 12, 2 + 12 = 14 </think>"
                + " <answer> 14 </answer>";
        Annotator.Outcome o = Annotator.rewrite(reply, "es");
        assertThat(o.reflected()).isTrue();
        assertThat(o.completion()).doesNotContain("20").contains("Primero, 3 * 4 = 12").contains("Espera, déjame revisar")
                .endsWith("La respuesta es 14.");
        Sample s = new Sample("¿Cuánto es 2 + 3 * 4?", o.completion(), "14", Map.of("language", "es"));
        assertThat(new LanguageConsistencyReward().score(s).value()).isEqualTo(1);
        assertThat(Answers.correct(o.completion(), "14", false, false)).isTrue();
    }

    @Test
    void dropsUnreadableAndInconsistentChains() {
        assertThat(Annotator.rewrite("<think> blorp zig qua 7 </think> <answer> 7 </answer>", "en").dropReason()).startsWith("unreadable");
        assertThat(Annotator.rewrite("<think> 3 * 4 = 13, 2 + 13 = 15 </think> <answer> 15 </answer>", "en").dropReason())
                .isEqualTo("wrong step: 3 * 4 = 13");
    }

    @Test
    void everyWorkedExampleOfTheWorldPassesTheFilters() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Problem p : new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 200, 4)) {
            rows.add(row(p.prompt(), ColdStart.worked(p.expr().correctSteps(), p.answer(), p.language()), p.answer(), p.language()));
        }
        ColdStart.Filtered f = ColdStart.filter(rows);
        assertThat(f.dropped().keySet()).containsOnly("duplicate");
        assertThat(f.rows().size() + f.dropped().get("duplicate")).isEqualTo(200);
    }

    @Test
    void aFewShotLongChainCopiedByTheBaseBecomesAVerifiedReadableRow() {
        // The few-shot examples are long chains in the corpus's prose; a reply written like one is refined by the
        // annotator into the readable format, keeps its verification, and passes every cold-start filter.
        List<r1j.data.Datasets.Example> chains = ColdStart.longChains(1);
        assertThat(chains).hasSizeGreaterThan(50);
        for (r1j.data.Datasets.Example e : chains.subList(0, 40)) {
            boolean es = "es".equals(e.language());
            assertThat(e.completion()).startsWith(es ? "Solución: Primero, " : "Solution: First, ")
                    .contains(es ? "Espera, déjame revisar." : "Wait, let me recheck.").endsWith(" " + e.answer() + ".");
            Annotator.Outcome a = Annotator.rewrite(e.completion(), e.language());
            assertThat(a.reflected()).isTrue();
            assertThat(ColdStart.rejectReason(row(e.prompt(), a.completion(), e.answer(), e.language()))).isNull();
        }
    }

    @Test
    void eachFilterRejectsItsCase() {
        String good = "| special_token | First, 3 * 4 = 12. Finally, 2 + 12 = 14. | special_token | Summary: 2 + 12 = 14. The answer is 14.";
        assertThat(ColdStart.rejectReason(row("What is 2 + 3 * 4?", good, "14", "en"))).isNull();
        assertThat(ColdStart.rejectReason(row("What is 2 + 3 * 4?", good, "20", "en"))).isEqualTo("wrong answer");
        assertThat(ColdStart.rejectReason(row("What is 2 + 3 * 4?", "<think> 3 * 4 = 12 </think> The answer is 14.", "14", "en")))
                .isEqualTo("not readable");
        String mixed = good.replace("Finally", "luego");
        assertThat(ColdStart.rejectReason(row("¿Cuánto es 2 + 3 * 4?", good, "14", "es"))).isEqualTo("mixed language");
        assertThat(ColdStart.rejectReason(row("What is 2 + 3 * 4?", mixed, "14", "en"))).isEqualTo("mixed language");
        assertThat(ColdStart.rejectReason(row("What is 2 + 3 * 4?", good.replace("3 * 4 = 12. F", "3 * 4 = 11. F"), "14", "en")))
                .isEqualTo("wrong step");
        ColdStart.Filtered f = ColdStart.filter(List.of(row("q", good, "14", "en"), row("q", good, "14", "en")));
        assertThat(f.rows()).hasSize(1);
        assertThat(f.dropped()).containsEntry("duplicate", 1);
    }

    @Test
    void theReadableFormatNeedsTwoDelimitersAReasoningAndAStatedAnswer() {
        assertThat(readable("| special_token | 1 + 1 = 2 | special_token | Summary: 1 + 1 = 2. The answer is 2.<｜end▁of▁sentence｜>")).isEqualTo(1);
        assertThat(readable("| special_token | 1 + 1 = 2 | special_token | Summary: it is two.")).isZero();
        assertThat(readable("| special_token | | special_token | The answer is 2.")).isZero();
        assertThat(readable("1 + 1 = 2 | special_token | The answer is 2.")).isZero();
        assertThat(readable("| special_token | <think> 1 + 1 = 2 </think> | special_token | The answer is 2.")).isZero();
        assertThat(readable("| special_token | a | special_token | b | special_token | The answer is 2.")).isZero();
    }

    private static Map<String, Object> row(String prompt, String completion, String answer, String language) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", prompt);
        m.put("completion", completion);
        m.put("answer", answer);
        m.put("language", language);
        return m;
    }
}
