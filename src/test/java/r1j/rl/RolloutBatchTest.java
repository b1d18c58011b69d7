package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import r1j.data.Datasets;
import r1j.generate.Completion;

/** The packing of a step's rollouts into micro-batches, on hand-made groups whose every token is known. */
class RolloutBatchTest {
    /** Template prefix 100 101 102; prompt ids 50+i…; completion j of group i: tokens 20·(i + 1) + 5·j + k, stopping or cut. */
    private static RolloutBatch batch() {
        List<RolloutBatch.Group> groups = new ArrayList<>();
        int[][] lens = {{1, 3, 2}, {4, 2, 2}, {2, 2, 2}};
        for (int i = 0; i < lens.length; i++) {
            List<Completion> cs = new ArrayList<>();
            for (int j = 0; j < lens[i].length; j++) {
                int[] t = new int[lens[i][j]];
                float[] lp = new float[t.length];
                for (int k = 0; k < t.length; k++) {
                    t[k] = 20 * (i + 1) + j * 5 + k;
                    lp[k] = -0.01f * t[k];
                }
                Completion.Finish f = i == 1 && j == 0 ? Completion.Finish.LENGTH : Completion.Finish.STOP;
                cs.add(new Completion(t, "c" + i + j, lp, lp, f));
            }
            int[] prompt = new int[i + 1];
            for (int k = 0; k <= i; k++) prompt[k] = 50 + i;
            groups.add(new RolloutBatch.Group(new Datasets.Example(i, "q" + i, "1", null, null, Map.of()), prompt, cs));
        }
        RolloutBatch b = new RolloutBatch(groups);
        // Group 2 has equal rewards: zero spread.
        b.setRewards(new double[][] {{1, 0, 0}, {0, 1, 1}, {1, 1, 1}});
        b.computeAdvantages(Advantages.Scale.GROUP_STD_SAMPLE);
        return b;
    }

    @Test
    void rowsContinueTheSharedPrefixAndEveryTargetIsTheNextToken() {
        RolloutBatch b = batch();
        RolloutBatch.Packed p = b.pack(new int[] {100, 101, 102}, 4, GrpoObjective.Aggregation.TOKEN_MEAN, false, false, 8);
        assertThat(p.shared()).containsExactly(100, 101);
        assertThat(p.microBatches()).hasSize(3);
        int targets = 0, lastSeq = 0;
        double weightSum = 0;
        for (RolloutBatch.MicroBatch m : p.microBatches()) {
            assertThat(m.input().batch()).isLessThanOrEqualTo(4);
            assertThat(m.input().seq()).as("sorted by length").isGreaterThanOrEqualTo(lastSeq);
            lastSeq = m.input().seq();
            for (int r = 0; r < m.input().batch(); r++) assertThat(m.input().ids()[r * m.input().seq()]).as("each row starts with the prefix's last token").isEqualTo(102);
            for (int t = 0; t < m.targets().tokens().length; t++) {
                // Position at[t] predicts the token after it, which is the target.
                assertThat(m.input().ids()[m.targets().at()[t] + 1]).isEqualTo(m.targets().tokens()[t]);
                assertThat(m.oldLogprobs()[t]).isEqualTo(-0.01f * m.targets().tokens()[t]);
                int group = m.targets().tokens()[t] / 20 - 1, j = (m.targets().tokens()[t] % 20) / 5;
                assertThat((double) m.advantages()[t]).isCloseTo(b.advantages()[group][j], within(1e-6));
                weightSum += m.weights()[t];
            }
            targets += m.targets().tokens().length;
        }
        assertThat(targets).isEqualTo(1 + 3 + 2 + 4 + 2 + 2 + 2 + 2 + 2);
        assertThat(weightSum).as("token-level weights sum to 1").isCloseTo(1.0, within(1e-5));
        assertThat(b.zeroSpreadGroups()).isEqualTo(1);
    }

    @Test
    void maskingAndDynamicSamplingLeaveRowsOut() {
        RolloutBatch b = batch();
        RolloutBatch.Packed p = b.pack(new int[] {100, 101, 102}, 16, GrpoObjective.Aggregation.SEQUENCE_MEAN, true, true, 8);
        RolloutBatch.MicroBatch m = p.microBatches().get(0);
        assertThat(p.microBatches()).hasSize(1);
        assertThat(m.input().batch()).as("the zero-spread group is left out").isEqualTo(6);
        double weightSum = 0;
        for (int t = 0; t < m.targets().tokens().length; t++) {
            assertThat(m.targets().tokens()[t] / 20).as("no token of group 2").isNotEqualTo(3);
            boolean truncated = m.targets().tokens()[t] >= 40 && m.targets().tokens()[t] < 45;
            if (truncated) assertThat(m.weights()[t]).as("a truncated completion weighs nothing").isZero();
            weightSum += m.weights()[t];
        }
        // Per-sequence mean over the 5 sequences that count: each sequence's tokens weigh 1/5 in all.
        assertThat(weightSum).isCloseTo(1.0, within(1e-5));
    }
}
