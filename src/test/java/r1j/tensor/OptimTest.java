package r1j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;
import r1j.train.LrSchedule;

/** AdamW, clipping and schedules against hand-computed values. */
class OptimTest {
    @Test
    void adamwTwoStepsByHand() {
        Tensor w = Tensor.param("w", new float[] {1f, -2f, 0.5f, 3f}, 2, 2);
        Tensor norm = Tensor.param("norm", new float[] {1f, 1f}, 2);
        AdamW opt = new AdamW(List.of(w, norm), new AdamW.Config(0.9f, 0.999f, 1e-8f, 0.1f));
        float[] g1 = {0.1f, -0.2f, 0.3f, 0f}, g2 = {0.2f, 0.2f, -0.1f, 0.4f};
        System.arraycopy(g1, 0, w.gradBuffer(), 0, 4);
        norm.gradBuffer()[0] = 0.5f;
        opt.step(0.01f);
        System.arraycopy(g2, 0, w.grad(), 0, 4);
        norm.grad()[0] = 0.5f;
        opt.step(0.01f);
        double[] p = {1, -2, 0.5, 3};
        for (int i = 0; i < 4; i++) {
            double m = 0, v = 0, x = p[i];
            double[] gs = {g1[i], g2[i]};
            for (int t = 1; t <= 2; t++) {
                m = 0.9 * m + 0.1 * gs[t - 1];
                v = 0.999 * v + 0.001 * gs[t - 1] * gs[t - 1];
                x = x * (1 - 0.01 * 0.1) - 0.01 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
            }
            assertThat((double) w.data[i]).isCloseTo(x, offset(1e-6));
        }
        // The norm weight is not decayed: two steps of an equal gradient move it by 2·lr exactly (up to ε).
        assertThat(norm.data[0]).isCloseTo(1f - 0.02f, offset(1e-6f));
        assertThat(norm.data[1]).isEqualTo(1f);
    }

    @Test
    void clipScalesToTheGlobalNorm() {
        Tensor a = Tensor.param("a", 2), b = Tensor.param("b", 1);
        a.gradBuffer()[0] = 3f;
        a.gradBuffer()[1] = 0f;
        b.gradBuffer()[0] = 4f;
        float before = AdamW.clipGradNorm(List.of(a, b), 1f);
        assertThat(before).isEqualTo(5f);
        assertThat(a.grad()[0]).isCloseTo(0.6f, offset(1e-5f));
        assertThat(b.grad()[0]).isCloseTo(0.8f, offset(1e-5f));
        assertThat(AdamW.clipGradNorm(List.of(a, b), 10f)).isCloseTo(1f, offset(1e-5f));
        assertThat(b.grad()[0]).isCloseTo(0.8f, offset(1e-5f));
    }

    @Test
    void warmupThenCosineAndLinear() {
        LrSchedule cos = new LrSchedule(1f, 0.1f, 10, 110, LrSchedule.Decay.COSINE);
        assertThat(cos.at(0)).isCloseTo(0.1f, offset(1e-6f));
        assertThat(cos.at(9)).isCloseTo(1f, offset(1e-6f));
        assertThat(cos.at(60)).isCloseTo(0.55f, offset(1e-6f));
        assertThat(cos.at(110)).isCloseTo(0.1f, offset(1e-6f));
        assertThat(cos.at(500)).isCloseTo(0.1f, offset(1e-6f));
        LrSchedule lin = new LrSchedule(1f, 0f, 0, 100, LrSchedule.Decay.LINEAR);
        assertThat(lin.at(25)).isCloseTo(0.75f, offset(1e-6f));
    }
}
