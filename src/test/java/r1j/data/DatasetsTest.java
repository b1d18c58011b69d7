package r1j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's JSONL in the ecosystem's fields: GSM8K, MATH, verl, TRL's standard and conversational forms. */
class DatasetsTest {
    @TempDir
    Path dir;

    private List<Datasets.Example> read(String... lines) throws Exception {
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return Datasets.read(f, false).examples();
    }

    @Test
    void gsm8kMathVerlAndTrlRows() throws Exception {
        List<Datasets.Example> ex = read(
                "{\"question\": \"Natalia sold 48 clips in April and half as many in May. How many in all?\", "
                        + "\"answer\": \"In May she sold 48/2 = <<48/2=24>>24 clips.\\nAltogether 48+24 = <<48+24=72>>72 clips.\\n#### 1,072\"}",
                "{\"problem\": \"What is 1/2 + 1/4?\", \"solution\": \"We add: $\\\\frac{1}{2}+\\\\frac{1}{4} = \\\\boxed{\\\\frac{3}{4}}$.\", \"level\": \"Level 2\"}",
                "{\"prompt\": \"2+2?\", \"reward_model\": {\"style\": \"rule\", \"ground_truth\": \"4\"}, \"data_source\": \"openai/gsm8k\"}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"3+3?\"}], \"completion\": [{\"role\": \"assistant\", \"content\": \"6\"}]}",
                "{\"prompt\": \"5+5?\", \"answer\": 10}");
        assertThat(ex).extracting(Datasets.Example::prompt).containsExactly(
                "Natalia sold 48 clips in April and half as many in May. How many in all?", "What is 1/2 + 1/4?", "2+2?", "3+3?", "5+5?");
        assertThat(ex).extracting(Datasets.Example::answer).containsExactly("1072", "\\frac{3}{4}", "4", null, "10");
        assertThat(ex.get(3).completion()).isEqualTo("6");
        assertThat(ex.get(1).meta()).containsEntry("level", "Level 2").doesNotContainKey("solution");
        assertThat(ex.get(2).meta()).containsEntry("data_source", "openai/gsm8k").doesNotContainKey("reward_model");
    }

    @Test
    void badRowsNameTheLineAndField() {
        assertThatThrownBy(() -> read("{\"prompt\": \"x\", \"answer\": \"1\"}",
                "{\"prompt\": [{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"q\"}], \"answer\": \"1\"}"))
                .hasMessageContaining(":2").hasMessageContaining("'prompt' as a list must hold exactly one user message");
        assertThatThrownBy(() -> read("{\"problem\": \"x\", \"solution\": \"no box here\"}"))
                .hasMessageContaining(":1").hasMessageContaining("'solution' has no \\boxed{} answer");
    }

    /** Rows from memory read exactly as the same rows from a file (metadata included), and a bad one names its number. */
    @Test
    void rowsFromMemoryReadAsTheFileDoes() throws Exception {
        List<java.util.Map<String, Object>> rows = List.of(
                java.util.Map.of("question", "How many?\nSay it.", "answer", "work\n#### 12", "difficulty", 5),
                java.util.Map.of("messages", List.of(java.util.Map.of("role", "user", "content", "hi"),
                        java.util.Map.of("role", "assistant", "content", "hello"))));
        List<String> lines = new java.util.ArrayList<>();
        for (var r : rows) lines.add(Jsonl.write(r));
        List<Datasets.Example> fromFile = read(lines.toArray(String[]::new)), fromMemory = Datasets.fromRows(rows);
        assertThat(fromMemory).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(fromMemory.get(i).prompt()).isEqualTo(fromFile.get(i).prompt());
            assertThat(fromMemory.get(i).answer()).isEqualTo(fromFile.get(i).answer());
            assertThat(fromMemory.get(i).messages()).isEqualTo(fromFile.get(i).messages());
            assertThat(fromMemory.get(i).meta()).isEqualTo(fromFile.get(i).meta());
        }
        assertThat(fromMemory.get(0).answer()).isEqualTo("12");
        assertThat(fromMemory.get(0).meta()).containsEntry("difficulty", "5");
        assertThatThrownBy(() -> Datasets.fromRows(List.of(java.util.Map.of("prompt", "x", "answer", "1"), java.util.Map.of("prompt", "y"))))
                .hasMessageStartingWith("row 2: ").hasMessageContaining("needs 'answer'");
    }

    @Test
    void boxedAndHashMarks() {
        assertThat(MarkedAnswers.lastBoxed("first \\boxed{1}, then \\boxed{\\frac{1}{2}} and \\boxed{unclosed")).isEqualTo("\\frac{1}{2}");
        assertThat(MarkedAnswers.lastBoxed("\\fbox{7} then \\boxed{8}")).isEqualTo("8");
        assertThat(MarkedAnswers.lastBoxed("none")).isNull();
        assertThat(MarkedAnswers.afterHashes("work\n#### 12,345\n")).isEqualTo("12345");
        assertThat(MarkedAnswers.afterHashes("no marks")).isNull();
    }
}
