package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrpoConfigTest {
    private static final GrpoConfig BASE = GrpoConfig.builder().epsHigh(0.28f).seed(7).build();

    @Test
    void defaultsAreTheCalibratedSettings() {
        GrpoConfig d = GrpoConfig.defaults();
        assertThat(d.group_size()).isEqualTo(8);
        assertThat(d.prompts_per_step()).isEqualTo(16);
        assertThat(d.beta()).isEqualTo(0.02f);
        assertThat(d.lr()).isEqualTo(1e-4f);
        assertThat(d.max_completion_tokens()).isEqualTo(160);
        assertThat(d.aggregation()).isEqualTo(GrpoObjective.Aggregation.TOKEN_MEAN);
        // RL's AdamW: β2 0.99, not pretraining's 0.95 (was hard-coded in the trainer, now a setting in config.json).
        assertThat(d.adamW()).isEqualTo(new r1j.tensor.AdamW.Config(0.9f, 0.99f, 1e-8f, 0f));
    }

    @Test
    void forStageReplacesOnlyTheStageSettings() {
        GrpoConfig s = BASE.forStage("chat", "accuracy,language", "1,0.2", 200, 96);
        assertThat(s).isEqualTo(GrpoConfig.builder().template("chat").rewards("accuracy,language").rewardWeights("1,0.2")
                .epsHigh(0.28f).steps(200).maxCompletionTokens(96).seed(7).build());
        assertThat(s.eps_high()).isEqualTo(0.28f);
        assertThat(s.steps()).isEqualTo(200);
    }
}
