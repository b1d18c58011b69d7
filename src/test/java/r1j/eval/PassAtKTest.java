package r1j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pass@k's unbiased estimator against hand computation, and the majority vote's deterministic ties. */
class PassAtKTest {
    @Test
    void unbiasedEstimatorByHand() {
        // n = 8, c = 2, k = 1: 2/8.
        assertThat(PassAtK.unbiased(8, 2, 1)).isCloseTo(0.25, offset(1e-12));
        // n = 8, c = 2, k = 8: every draw of 8 contains a correct sample.
        assertThat(PassAtK.unbiased(8, 2, 8)).isEqualTo(1.0);
        // n = 8, c = 2, k = 4: 1 − C(6,4)/C(8,4) = 1 − 15/70.
        assertThat(PassAtK.unbiased(8, 2, 4)).isCloseTo(1 - 15.0 / 70, offset(1e-12));
        // n = 10, c = 3, k = 2: 1 − C(7,2)/C(10,2) = 1 − 21/45.
        assertThat(PassAtK.unbiased(10, 3, 2)).isCloseTo(1 - 21.0 / 45, offset(1e-12));
        assertThat(PassAtK.unbiased(5, 0, 3)).isZero();
        assertThat(PassAtK.unbiased(5, 5, 1)).isEqualTo(1.0);
        assertThatThrownBy(() -> PassAtK.unbiased(3, 1, 4)).hasMessageContaining("at least 4 samples");
    }

    @Test
    void majorityVoteWithDeterministicTies() {
        assertThat(PassAtK.majority(List.of("14", "20", "14", "7"))).isEqualTo("14");
        // 20 and 14 both twice: the answer seen first wins, whatever else is in the list.
        assertThat(PassAtK.majority(List.of("20", "14", "14", "20"))).isEqualTo("20");
        assertThat(PassAtK.majority(List.of("14", "20", "20", "14"))).isEqualTo("14");
        assertThat(PassAtK.majority(Arrays.asList(null, "", "5"))).isEqualTo("5");
        assertThat(PassAtK.majority(Arrays.asList(null, ""))).isNull();
    }
}
