package r1j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type of the library (top-level or nested) carries a Javadoc comment (issue 36: the API is documented
 * where it is defined). Read from the sources: the comment must close right before the declaration or its annotations.
 */
class PublicApiDocsTest {
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^\\s*public\\s+(?:static\\s+)?(?:(?:final|abstract|sealed|non-sealed)\\s+)*(?:class|record|interface|enum|@interface)\\s+(\\w+)");

    @Test
    void everyPublicTypeHasJavadoc() throws Exception {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = PUBLIC_TYPE.matcher(lines.get(i));
                    if (m.find() && !documented(lines, i)) missing.add(f + ":" + (i + 1) + " " + m.group(1));
                }
            }
        }
        assertThat(missing).as("public types without Javadoc").isEmpty();
    }

    /** Walks back over the declaration's annotations (which may span lines) to the comment that must end there. */
    static boolean documented(List<String> lines, int declaration) {
        for (int j = declaration - 1; j >= 0; j--) {
            String t = lines.get(j).strip();
            if (t.endsWith("*/")) return t.startsWith("/**") || !t.startsWith("/*") && comment(lines, j);
            if (t.isEmpty() || t.endsWith(";") || t.endsWith("{") || t.endsWith("}")) return false;
        }
        return false;
    }

    /** Whether the block comment ending at line end opens with the Javadoc marker. */
    private static boolean comment(List<String> lines, int end) {
        for (int j = end; j >= 0; j--) {
            String t = lines.get(j).strip();
            if (t.startsWith("/**")) return true;
            if (t.startsWith("/*")) return false;
        }
        return false;
    }

    @Test
    void theWalkSeesCommentsAboveAnnotationsAndNothingElse() {
        assertThat(documented(List.of("/** Yes. */", "@Command(name = \"x\",", "    description = \"y\")", "public class A {"), 3)).isTrue();
        assertThat(documented(List.of("/**", " * Yes.", " */", "public record B() {}"), 3)).isTrue();
        assertThat(documented(List.of("int x;", "public class C {"), 1)).isFalse();
        assertThat(documented(List.of("/* not Javadoc */", "public class D {"), 1)).isFalse();
        assertThat(documented(List.of("// a line comment", "public class E {"), 1)).isFalse();
    }
}
