package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json round trips, V3's worked numbers (docs/deepseek-v3.md §4.5–4.6), and presets that validate. */
class ModelConfigTest {
    @TempDir
    Path tmp;

    static ModelConfig v3() {
        return v3(40.0);
    }

    /** DeepSeek-V3's config with YaRN at this factor (null: implied by the context lengths). */
    static ModelConfig v3(Double yarnFactor) {
        return new ModelConfig(null, "deepseek_v3", 129280, 7168, 18432, 61, 128, 128, null, "silu", 1e-6, 10000.0,
                new RopeScaling("yarn", yarnFactor, 4096, 32.0, 1.0, 1.0, 1.0, null, null, null, null), 163840, false, false, 0.0, 0.006, 0, 1,
                "bfloat16", 2048, 1, 256, 8, 2.5, 8, 4, 3, 1, true, "sigmoid", "noaux_tc", true, 1e-3, 512, 1536, 128, 64,
                128, 1, null, ModelConfig.Extras.NONE);
    }

    @Test
    void deepseekV3SoftmaxScaleWithYarn() {
        // scale = 192^-1/2 · m², m = 0.1·ln 40 + 1 = 1.36889 → 0.135234
        assertThat(v3().problems()).isEmpty();
        assertThat((double) v3().softmaxScale()).isCloseTo(0.135234, offset(1e-6));
        // Without an explicit factor YaRN's s is max_position_embeddings / original = 163840 / 4096 = 40, for the
        // softmax's mscale² and for the frequencies alike.
        ModelConfig implicit = v3(null);
        assertThat(implicit.problems()).isEmpty();
        assertThat(implicit.softmaxScale()).isEqualTo(v3().softmaxScale());
        assertThat(RopeFrequencies.table(implicit).inverseFrequencies()).containsExactly(RopeFrequencies.table(v3()).inverseFrequencies());
    }

    @Test
    void yarnKeepsHighFrequenciesAndDividesLowOnes() {
        // For V3 (dr 64, θ 1e4, L0 4096): dims below 10 keep their frequency, from 23 on they are divided by 40.
        r1j.nn.RopeTable t = RopeFrequencies.table(v3());
        assertThat(t.dim()).isEqualTo(64);
        r1j.nn.RopeTable plain = r1j.nn.RopeTable.standard(64, 10000.0);
        // Compare angles at position 1 via rotation of a unit pair: cos(invFreq) differs only where scaled.
        float[] x = {1f, 0f};
        for (int i : new int[] {0, 9, 23, 31}) {
            float[] v = new float[64];
            v[2 * i] = x[0];
            var y = r1j.nn.Rope.apply(r1j.tensor.Tensor.of(v, 1, 64), new int[] {1}, 1, 64, 0, t, true);
            var z = r1j.nn.Rope.apply(r1j.tensor.Tensor.of(v.clone(), 1, 64), new int[] {1}, 1, 64, 0, plain, true);
            double yaAngle = Math.atan2(y.data[2 * i + 1], y.data[2 * i]);
            double plainAngle = Math.atan2(z.data[2 * i + 1], z.data[2 * i]);
            if (i < 10) assertThat(yaAngle).as("dim %d kept", i).isCloseTo(plainAngle, offset(1e-6));
            else assertThat(yaAngle).as("dim %d divided by 40", i).isCloseTo(plainAngle / 40, offset(1e-7));
        }
    }

    @Test
    void configJsonRoundTripKeepsMeaningfulNulls() throws Exception {
        ModelConfig c = ModelConfig.deepseekV3().vocabSize(300).hiddenSize(32).numHiddenLayers(2).numAttentionHeads(2)
                .qLoraRank(null).kvLoraRank(16).qkNopeHeadDim(8).qkRopeHeadDim(4).vHeadDim(8).intermediateSize(64)
                .moeIntermediateSize(16).nRoutedExperts(8).nSharedExperts(1).numExpertsPerTok(2)
                .nGroup(4).topkGroup(2).firstKDenseReplace(1).maxPositionEmbeddings(128).build();
        Path f = tmp.resolve("config.json");
        Files.writeString(f, c.toJson());
        String text = Files.readString(f);
        assertThat(text).contains("\"q_lora_rank\" : null").contains("\"rope_scaling\" : null");
        assertThat(ModelConfig.read(f)).isEqualTo(c);
        ModelConfig q = ModelConfig.dense(ModelConfig.QWEN2).vocabSize(300).hiddenSize(32).numHiddenLayers(2).numAttentionHeads(4)
                .numKeyValueHeads(2).intermediateSize(64).maxPositionEmbeddings(128).tieWordEmbeddings(true).build();
        Files.writeString(f, q.toJson());
        assertThat(Files.readString(f)).doesNotContain("q_lora_rank").doesNotContain("n_routed_experts");
        assertThat(ModelConfig.read(f)).isEqualTo(q);
    }

    @Test
    void presetsValidateAndTheFixtureConfigReads() throws Exception {
        for (ModelConfig c : Presets.ALL.values()) assertThat(c.problems()).isEmpty();
        ModelConfig fx = ModelConfig.read(FixtureParityTest.DIR.resolve("config.json"));
        assertThat(fx.isMoeLayer(0)).isFalse();
        assertThat(fx.isMoeLayer(1)).isTrue();
        assertThat(fx.qkHeadDim()).isEqualTo(24);
    }

    @Test
    void activeParametersCountOnlyTheChosenExperts() {
        Transformer m = Transformer.init(Presets.get("nano"), 1);
        long perExpert = 3L * 32 * 16;
        assertThat(m.parameterCount() - m.activeParameterCount()).isEqualTo(1 * (8 - 2) * perExpert);
    }
}
