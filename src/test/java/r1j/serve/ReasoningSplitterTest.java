package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reasoning/answer split gives the same parts however the reply is cut into streamed deltas. */
class ReasoningSplitterTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', value = {
            "<think> 3 * 4 = 12 </think> The answer is 12.¦false¦3 * 4 = 12¦The answer is 12.",
            "  <think>a</think>b¦false¦a¦b",
            "3 * 4 = 12 </think>\\n\\nTwelve.¦true¦3 * 4 = 12¦Twelve.",
            "No thinking here.¦false¦¦No thinking here.",
            "<think>unfinished¦false¦unfinished¦",
            "| special_token | First, 2 + 2 = 4. | special_token | Summary: 4.¦false¦First, 2 + 2 = 4.¦Summary: 4."})
    void splitsLikeTheWholeReplyWhateverTheDeltas(String raw, boolean opens, String reasoning, String content) {
        String reply = raw.replace("\\n", "\n");
        String[] want = {reasoning == null ? null : reasoning.strip(), content == null ? "" : content.strip()};
        String[] whole = ReasoningSplitter.split(reply, opens);
        assertThat(whole[1].strip()).isEqualTo(want[1]);
        if (want[0] == null || want[0].isEmpty()) assertThat(whole[0] == null || whole[0].isEmpty()).isTrue();
        else assertThat(whole[0]).as("no whitespace around the reasoning").isEqualTo(want[0]);
        for (int cut = 1; cut <= reply.length(); cut++) {
            ReasoningSplitter r = new ReasoningSplitter(opens);
            List<ReasoningSplitter.Part> parts = new ArrayList<>();
            for (int i = 0; i < reply.length(); i += cut) parts.addAll(r.accept(reply.substring(i, Math.min(reply.length(), i + cut))));
            parts.addAll(r.finish());
            StringBuilder rs = new StringBuilder(), cs = new StringBuilder();
            for (ReasoningSplitter.Part p : parts) (p.reasoning() ? rs : cs).append(p.text());
            // Streamed parts add up to the whole reply's split exactly, whitespace included.
            assertThat(cs.toString()).as("deltas of %d", cut).isEqualTo(whole[1]);
            assertThat(rs.toString()).as("deltas of %d", cut).isEqualTo(whole[0] == null ? "" : whole[0]);
        }
    }
}
