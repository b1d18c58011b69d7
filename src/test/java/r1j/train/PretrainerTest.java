package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Corpus;
import r1j.io.Checkpoint;
import r1j.model.Transformer;

/** Pretraining resumes exactly: an interrupted and resumed run ends with the same bits as an uninterrupted one. */
class PretrainerTest {
    @TempDir
    Path tmp;

    private PretrainConfig config(Path corpus) {
        return PretrainConfig.builder().preset("nano").corpus(corpus).vocabSize(300).tokens(32L * 4 * 12)
                .seqLen(32).batchSize(4).lr(3e-3f).minLr(3e-4f).warmupSteps(3).biasUpdateSpeed(0.01f)
                .mtpLambda(0f).evalEvery(6).evalBatches(2).checkpointEvery(4).seed(7).build();
    }

    private Path corpus(long tokens) throws java.io.IOException {
        Path corpus = tmp.resolve("corpus.txt");
        try (Writer w = Files.newBufferedWriter(corpus)) {
            Corpus.write(w, tokens, Corpus.defaultMix(), 3);
        }
        return corpus;
    }

    @Test
    void interruptedAndResumedRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        Path corpus = corpus(40_000);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<PretrainStep> seen = new java.util.ArrayList<>();
        Pretrainer.Result full = Pretrainer.run(config(corpus), tmp.resolve("a"), 0, quiet, seen::add);
        assertThat(full.steps()).isEqualTo(12);
        // The listener receives each step's metrics, typed, exactly as metrics.jsonl has them.
        List<String> lines = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        assertThat(seen).hasSize(12);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < 12; i++) assertThat(json.readTree(lines.get(i))).isEqualTo(json.readTree(r1j.data.Jsonl.write(seen.get(i).row())));
        assertThat(seen.get(11).losses().loss()).isEqualTo(full.trainLoss());
        assertThat(seen.get(11).losses().valLoss()).isEqualTo(full.validationLoss());
        Pretrainer.Result first = Pretrainer.run(config(corpus), tmp.resolve("b"), 5, quiet);
        assertThat(first.finalModel()).isNull();
        assertThat(first.steps()).isEqualTo(5);
        Pretrainer.Result resumed = Pretrainer.run(config(corpus), tmp.resolve("b"), 0, quiet);
        assertThat(resumed.steps()).isEqualTo(12);
        Transformer a = Checkpoint.load(full.finalModel(), true), b = Checkpoint.load(resumed.finalModel(), true);
        for (var e : a.tensors().entrySet()) {
            assertThat(b.tensors().get(e.getKey()).data).as(e.getKey()).containsExactly(e.getValue().data);
        }
        assertThat(resumed.trainLoss()).isEqualTo(full.trainLoss());
        // Each step's metrics appear once, the rows written after the last checkpoint before the stop dropped.
        List<String> rows = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertThat(rows).hasSize(12);
        assertThat(Files.readAllLines(tmp.resolve("a/metrics.jsonl"))).hasSize(12);
        assertThat(full.trainLoss()).isLessThan(5.7f);
    }

    @Test
    void resumingAtAnotherThreadCountSaysSo() throws Exception {
        Path corpus = corpus(20_000);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Pretrainer.run(config(corpus), tmp.resolve("t"), 5, quiet);
        Path ck = latest(tmp.resolve("t"));
        assertThat(Files.readString(ck.resolve("trainer.json"))).contains("\"threads\": " + r1j.tensor.Parallel.threads());
        ByteArrayOutputStream same = new ByteArrayOutputStream();
        Pretrainer.run(config(corpus), tmp.resolve("t"), 1, new PrintStream(same, true));
        assertThat(same.toString()).contains("resuming").doesNotContain("warning");
        // As if the checkpoint had been written by a run with one thread more than this one.
        ck = latest(tmp.resolve("t"));
        Files.writeString(ck.resolve("trainer.json"), Files.readString(ck.resolve("trainer.json"))
                .replaceAll("\"threads\": \\d+", "\"threads\": " + (r1j.tensor.Parallel.threads() + 1)));
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        Pretrainer.run(config(corpus), tmp.resolve("t"), 1, new PrintStream(other, true));
        assertThat(other.toString()).contains("warning: " + ck).contains("not be bit-identical");
    }

    private static Path latest(Path run) throws java.io.IOException {
        return run.resolve("checkpoints").resolve(Files.readString(run.resolve("checkpoints/latest.txt")).trim());
    }

    @Test
    void refusesToMixRunsWithDifferentSettings() throws Exception {
        Path corpus = corpus(20_000);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Pretrainer.run(config(corpus), tmp.resolve("c"), 2, quiet);
        PretrainConfig other = config(corpus).toBuilder().seed(8).build();
        // How often to checkpoint or evaluate changes no result: a resume may change it, and config.json then says so.
        Pretrainer.run(config(corpus).toBuilder().checkpointEvery(5).build(), tmp.resolve("c"), 1, quiet);
        assertThat(Files.readString(tmp.resolve("c/config.json"))).contains("\"checkpoint_every\" : 5");
        assertThatThrownBy(() -> Pretrainer.run(other, tmp.resolve("c"), 0, quiet)).hasMessageContaining("holds a run whose seed is 7, and this one has 8");
        // A run begun before adam_beta2 was a setting (config.json without it) resumes at the default, not at another value.
        Path file = tmp.resolve("c/config.json");
        Files.writeString(file, Files.readString(file).replaceAll(",\\s*\"adam_beta2\" : [0-9.]+", ""));
        assertThat(Files.readString(file)).doesNotContain("adam_beta2");
        assertThatThrownBy(() -> Pretrainer.run(config(corpus).toBuilder().adamBeta2(0.99f).build(), tmp.resolve("c"), 1, quiet))
                .hasMessageContaining("adam_beta2 is absent (the default then, 0.95), and this one has 0.99");
        Pretrainer.run(config(corpus), tmp.resolve("c"), 1, quiet);
        assertThat(Files.readString(file)).contains("\"adam_beta2\" : 0.95");
    }
}
