package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrpoConfigTest {
    private static final GrpoConfig BASE = new GrpoConfig("r1-zero", "accuracy,format", null, 8, 16, 1, 0.2f, 0.28f, 0.02f,
            Advantages.Scale.GROUP_STD_SAMPLE, GrpoObjective.Aggregation.TOKEN_MEAN, false, false, 0, 1f, 1f, 1e-4f, 10, 400,
            128, 8, 1f, 0f, 0f, 50, 10, 7);

    @Test
    void forStageReplacesOnlyTheStageSettings() {
        GrpoConfig s = BASE.forStage("chat", "accuracy,language", "1,0.2", 200, 96);
        assertThat(s).isEqualTo(new GrpoConfig("chat", "accuracy,language", "1,0.2", 8, 16, 1, 0.2f, 0.28f, 0.02f,
                Advantages.Scale.GROUP_STD_SAMPLE, GrpoObjective.Aggregation.TOKEN_MEAN, false, false, 0, 1f, 1f, 1e-4f, 10, 200,
                96, 8, 1f, 0f, 0f, 50, 10, 7));
    }

    @Test
    void withLrReplacesOnlyTheLearningRate() {
        GrpoConfig s = BASE.withLr(5e-5f);
        assertThat(s.lr()).isEqualTo(5e-5f);
        assertThat(s.withLr(BASE.lr())).isEqualTo(BASE);
        assertThat(s.sameRunAs(BASE)).isFalse();
    }
}
