package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;
import r1j.train.Records;

class GrpoConfigTest {
    private static final GrpoConfig BASE = GrpoConfig.defaults().withEpsHigh(0.28f).withSeed(7);

    @Test
    void defaultsAreTheCalibratedSettings() {
        GrpoConfig d = GrpoConfig.defaults();
        assertThat(d.group_size()).isEqualTo(8);
        assertThat(d.prompts_per_step()).isEqualTo(16);
        assertThat(d.beta()).isEqualTo(0.02f);
        assertThat(d.lr()).isEqualTo(1e-4f);
        assertThat(d.max_completion_tokens()).isEqualTo(160);
        assertThat(d.aggregation()).isEqualTo(GrpoObjective.Aggregation.TOKEN_MEAN);
    }

    @Test
    void forStageReplacesOnlyTheStageSettings() {
        GrpoConfig s = BASE.forStage("chat", "accuracy,language", "1,0.2", 200, 96);
        assertThat(s).isEqualTo(new GrpoConfig(null, null, "chat", "accuracy,language", "1,0.2", 8, 16, 1, 0.2f, 0.28f, 0.02f,
                Advantages.Scale.GROUP_STD_SAMPLE, GrpoObjective.Aggregation.TOKEN_MEAN, false, false, 0, 1f, 1f, 1e-4f, 10, 200,
                96, 8, 1f, 0f, 0f, 50, 10, 7, null, false));
    }

    /** Every wither replaces its own component and no other (checked through the record's components). */
    @Test
    void eachWitherReplacesOnlyItsOwnSetting() throws Exception {
        for (RecordComponent rc : GrpoConfig.class.getRecordComponents()) {
            Object v = rc.getAccessor().invoke(BASE), other = differentValue(rc.getType(), v);
            GrpoConfig changed = Records.with(BASE, rc.getName(), other);
            for (RecordComponent x : GrpoConfig.class.getRecordComponents()) {
                Object want = x.getName().equals(rc.getName()) ? other : x.getAccessor().invoke(BASE);
                assertThat(x.getAccessor().invoke(changed)).as("%s after with %s", x.getName(), rc.getName()).isEqualTo(want);
            }
            String camel = java.util.Arrays.stream(rc.getName().split("_")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                    .reduce("", String::concat);
            assertThat(GrpoConfig.class.getMethod("with" + camel, rc.getType()).invoke(BASE, other)).as("with" + camel).isEqualTo(changed);
        }
        assertThatThrownBy(() -> Records.with(BASE, "learning_rate", 1f)).hasMessageContaining("no setting 'learning_rate'");
    }

    private static Object differentValue(Class<?> t, Object v) {
        if (t == int.class) return (int) v + 1;
        if (t == long.class) return (long) v + 1;
        if (t == float.class) return (float) v + 0.5f;
        if (t == boolean.class) return !(boolean) v;
        if (t == String.class) return v + "x";
        if (t == r1j.model.LoraConfig.class) return r1j.model.LoraConfig.defaults();
        if (t.isEnum()) {
            Object[] all = t.getEnumConstants();
            return all[(((Enum<?>) v).ordinal() + 1) % all.length];
        }
        throw new IllegalArgumentException(t.toString());
    }
}
