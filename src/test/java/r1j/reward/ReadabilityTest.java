package r1j.reward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import r1j.coldstart.Annotator;

/** The "clean" readability check on replies of each kind the recipe's stages write. */
class ReadabilityTest {
    private static final Readability CLEAN = new Readability();

    private static Score score(String language, String reply) {
        return CLEAN.score(new Sample("?", reply, "21", Map.of("language", language)));
    }

    @Test
    void theColdStartFormatWrittenByTheAnnotatorIsClean() {
        String rewritten = Annotator.rewrite("<think> primero 6 * 3 = 18, then 3 + 18 = 21 </think> <answer> 21 </answer>", "en").completion();
        assertThat(score("en", rewritten).value()).isEqualTo(1);
        assertThat(score("es", "| special_token | Primero, 6 * 3 = 18. Por último, 3 + 18 = 21. Espera, déjame revisar: 6 * 3 = 18, "
                + "3 + 18 = 21. Sí, es correcto. | special_token | Resumen: 3 + 18 = 21. La respuesta es 21.").value()).isEqualTo(1);
        assertThat(score("es", "<think> ¿Qué va primero? La multiplicación: 6 * 3 = 18. Luego 3 + 18 = 21. </think> 21").value()).isEqualTo(1);
        assertThat(score("zh", "<think> 首先六乘以三得十八。然后三加十八得二十一。 </think> 21").value()).isEqualTo(1);
    }

    @Test
    void rOneZerosFragmentsGibberishLoopsAndMixingAreNot() {
        assertThat(score("en", "<think> primero 6 * 3 = 18, then 3 + 18 = 21 </think> <answer> 21 </answer>").reason())
                .startsWith("not a sentence: primero");
        assertThat(score("es", "| special_token |x bta. Espera, déjame revisar. 1 * 5 = 5. Sí, es correcto </think>").reason())
                .startsWith("not a sentence:").contains("x bta");
        assertThat(score("en", "<think> blorp zig qua ffft </think> <answer> 7 </answer>").value()).isZero();
        assertThat(score("en", "<think> First, 6 * 3 = 18. First, 6 * 3 = 18. First, 6 * 3 = 18. </think> 18").reason())
                .startsWith("repeated: First, 6 * 3 = 18.");
        assertThat(score("en", "<think> First, 6 * 3 = 18. Luego, 3 + 18 = 21. </think> <answer> 21 </answer>").reason())
                .startsWith("mixed language");
        assertThat(score("en", "<think> </think> <answer> 21 </answer>").reason()).isEqualTo("no reasoning");
    }
}
