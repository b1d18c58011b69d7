package r1j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's exit codes and machine-readable output. */
class MainTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void versionAndHelp() {
        Run v = run("version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).contains("r1j 0.1.0").contains("vector width");
        assertThat(run("--help").code()).isZero();
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        Run r = run("bench", "matmul", "--no-such-flag");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option").doesNotContain("Exception");
        Run bad = run("bench", "matmul", "--shape", "12x7", "--no-openblas");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("r1j: error: --shape: '12x7' is not MxNxK");
    }

    @Test
    void benchMatmulJsonRows() throws Exception {
        Run r = run("bench", "matmul", "--json", "--no-openblas", "--shape", "64x32x48", "--layout", "TN",
                "--threads", "1", "--reps", "1", "--min-seconds", "0.001");
        assertThat(r.code()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode row = new ObjectMapper().readTree(lines[0]);
        assertThat(row.get("shape").asText()).isEqualTo("64x32x48");
        assertThat(row.get("layout").asText()).isEqualTo("TN");
        assertThat(row.get("threads").asInt()).isEqualTo(1);
        assertThat(row.get("gflops").asDouble()).isPositive();
        assertThat(row.get("openblas_gflops").isNull()).isTrue();
    }
}
