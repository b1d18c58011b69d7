package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import r1j.pipeline.PipelinePreset;
import r1j.rl.GrpoConfig;

/**
 * Every settings record is built by name: for each component, the builder's setter of the same name (camelCase)
 * changes that component and no other, and toBuilder() round-trips. This is what makes the one positional call in each
 * build() safe: a swapped pair of arguments of the same type fails here.
 */
class SettingsBuildersTest {
    record Case(Record base, Supplier<Object> toBuilder) {}

    static List<Case> cases() {
        GrpoConfig g = GrpoConfig.defaults();
        PretrainConfig p = PretrainConfig.defaults();
        SftConfig s = SftConfig.defaults();
        RewardModelTrainer.Config r = RewardModelTrainer.Config.defaults();
        PipelinePreset pp = PipelinePreset.of("tiny");
        r1j.eval.Evaluator.Options eo = r1j.eval.Evaluator.Options.builder().build();
        r1j.rejection.RejectionSampler.Options ro = r1j.rejection.RejectionSampler.Options.builder().build();
        r1j.generate.SamplingParams sp = r1j.generate.SamplingParams.builder().stopTokens(2).build();
        r1j.serve.ServeSettings ss = r1j.serve.ServeSettings.builder().apiKey("k").build();
        return List.of(new Case(g, g::toBuilder), new Case(p, p::toBuilder), new Case(s, s::toBuilder),
                new Case(r, r::toBuilder), new Case(pp, pp::toBuilder), new Case(eo, eo::toBuilder), new Case(ro, ro::toBuilder),
                new Case(sp, sp::toBuilder), new Case(ss, ss::toBuilder));
    }

    @Test
    void eachSetterChangesOnlyItsOwnComponent() throws Exception {
        for (Case c : cases()) {
            Class<?> type = c.base().getClass();
            for (RecordComponent rc : type.getRecordComponents()) {
                Object v = rc.getAccessor().invoke(c.base()), other = differentValue(rc.getType(), v);
                Object builder = c.toBuilder().get();
                Method set = builder.getClass().getMethod(camel(rc.getName()), rc.getType());
                set.invoke(builder, other);
                Object changed = builder.getClass().getMethod("build").invoke(builder);
                for (RecordComponent x : type.getRecordComponents()) {
                    Object want = x.getName().equals(rc.getName()) ? other : x.getAccessor().invoke(c.base());
                    assertThat(x.getAccessor().invoke(changed)).as("%s.%s after %s(…)", type.getSimpleName(), x.getName(), set.getName())
                            .isEqualTo(want);
                }
            }
            Object same = c.toBuilder().get();
            Object copy = same.getClass().getMethod("build").invoke(same);
            for (RecordComponent x : type.getRecordComponents()) {
                assertThat(x.getAccessor().invoke(copy)).as(type.getSimpleName() + " round trip of " + x.getName())
                        .isEqualTo(x.getAccessor().invoke(c.base()));
            }
        }
    }

    @Test
    void theNanoPresetChangesSizesNotTheTinyRunsSettings() {
        PipelinePreset tiny = PipelinePreset.of("tiny"), nano = PipelinePreset.of("nano");
        assertThat(tiny.base()).isEqualTo(PretrainConfig.defaults());
        assertThat(tiny.sft()).isEqualTo(SftConfig.defaults());
        assertThat(nano.evalTemperature()).isEqualTo(tiny.evalTemperature()).isEqualTo(0.6f);
        assertThat(nano.gateProblems()).isEqualTo(20);
        assertThat(tiny.gateProblems()).isEqualTo(200);
        assertThat(nano.base().adamW()).isEqualTo(tiny.base().adamW());
    }

    static String camel(String component) {
        String[] w = component.split("_");
        StringBuilder b = new StringBuilder(w[0]);
        for (String x : Arrays.asList(w).subList(1, w.length)) b.append(Character.toUpperCase(x.charAt(0))).append(x.substring(1));
        return b.toString();
    }

    private static Object differentValue(Class<?> t, Object v) {
        if (t == int.class) return (int) v + 1;
        if (t == long.class) return (long) v + 1;
        if (t == float.class) return (float) v > 0.5f ? (float) v - 0.25f : (float) v + 0.25f;
        if (t == double.class) return (double) v + 0.5;
        if (t == Float.class) return v == null ? 0.125f : (Float) v + 0.25f;
        if (t == Integer.class) return v == null ? 7 : (Integer) v + 1;
        if (t == boolean.class) return !(boolean) v;
        if (t == String.class) return v + "x";
        if (t == r1j.model.LoraConfig.class) return r1j.model.LoraConfig.defaults();
        if (t == r1j.tokenizer.PromptFormat.class) return v == r1j.tokenizer.Templates.CHAT ? r1j.tokenizer.Templates.PLAIN : r1j.tokenizer.Templates.CHAT;
        if (t == List.class) return List.of("</answer>");
        if (t == int[].class) return new int[] {7, 8};
        if (t == long.class) return (long) v + 1;
        if (t == java.time.Duration.class) return ((java.time.Duration) v).plusSeconds(1);
        if (t == PretrainConfig.class) return ((PretrainConfig) v).toBuilder().seed(((PretrainConfig) v).seed() + 1).build();
        if (t == SftConfig.class) return ((SftConfig) v).toBuilder().seed(((SftConfig) v).seed() + 1).build();
        if (t.isEnum()) {
            Object[] all = t.getEnumConstants();
            return all[(((Enum<?>) v).ordinal() + 1) % all.length];
        }
        throw new IllegalArgumentException(t.toString());
    }
}
