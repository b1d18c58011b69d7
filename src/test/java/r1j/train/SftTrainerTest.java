package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tensor.Grad;
import r1j.tensor.Softmax;
import r1j.tensor.Tensor;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.SpecialTokens;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/** SFT: the completion-only mask, packing, the loss it gives, and a resumable run that learns. */
class SftTrainerTest {
    @TempDir
    Path tmp;

    private static Tokenizer tokenizer() {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 50; i++) docs.add("What is " + i + " + 2? The answer is " + (i + 2) + ". Summary: yes.");
        return BpeTrainer.train(docs, 300);
    }

    private static Datasets.Example example(int line, String prompt, String completion) {
        return new Datasets.Example(line, prompt, null, completion, null, Map.of());
    }

    @Test
    void onlyCompletionTokensAndTheClosingEosAreTargets() {
        Tokenizer tok = tokenizer();
        Datasets.Example e = example(1, "What is 3 + 2?", "The answer is 5.");
        SftExamples.Encoded enc = SftExamples.encode(e, tok, Templates.CHAT);
        int[] prompt = Templates.CHAT.encodePrompt(tok, e.prompt()), completion = tok.encode(e.completion(), false);
        assertThat(enc.ids()).hasSize(prompt.length + completion.length + 1);
        assertThat(Arrays.copyOf(enc.ids(), prompt.length)).containsExactly(prompt);
        assertThat(enc.ids()[enc.ids().length - 1]).isEqualTo(tok.eosId());
        // Position i predicts token i+1: the first target is the first completion token, predicted from the prompt's last.
        for (int i = 0; i < enc.ids().length; i++) {
            assertThat(enc.trained()[i]).as("position %d", i).isEqualTo(i >= prompt.length - 1 && i < enc.ids().length - 1);
        }
    }

    @Test
    void chatRowsTrainEveryAssistantTurnAndNothingElse() {
        Tokenizer tok = tokenizer();
        Datasets.Example e = new Datasets.Example(1, null, null, null, List.of(new Datasets.Message("user", "What is 1 + 2?"),
                new Datasets.Message("assistant", "3"), new Datasets.Message("user", "And 2 + 2?"), new Datasets.Message("assistant", "4")), Map.of());
        SftExamples.Encoded enc = SftExamples.encode(e, tok, Templates.CHAT);
        StringBuilder targets = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < enc.ids().length; i++) if (enc.trained()[i]) ids.add(enc.ids()[i + 1]);
        targets.append(tok.decode(ids.stream().mapToInt(Integer::intValue).toArray(), false));
        assertThat(targets.toString()).isEqualTo("3" + SpecialTokens.EOS + "4" + SpecialTokens.EOS);
        assertThat(tok.decode(enc.ids(), false)).startsWith(SpecialTokens.BOS + SpecialTokens.USER + "What is 1 + 2?" + SpecialTokens.ASSISTANT);
    }

    @Test
    void packingKeepsExamplesWholeOncePerEpochAndTheLossIsTheMeanOverCompletionTokens() {
        Tokenizer tok = tokenizer();
        List<Datasets.Example> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) rows.add(example(i + 1, "What is " + i + " + 2?", "The answer is " + (i + 2) + "."));
        SftExamples data = new SftExamples(rows, tok, Templates.CHAT, 48);
        List<int[]> packed = data.rowsOfEpoch(0, 5);
        Set<Integer> seen = new HashSet<>();
        for (int[] r : packed) for (int idx : r) assertThat(seen.add(idx)).isTrue();
        assertThat(seen).hasSize(30);
        assertThat(packed.size()).as("several examples share a row").isLessThan(30);
        assertThat(data.rowsOfEpoch(1, 5)).isNotEqualTo(packed);

        SftExamples.Batch b = data.batch(packed.subList(0, 3));
        int counted = 0;
        for (int t : b.targets()) if (t >= 0) counted++;
        assertThat(counted).isEqualTo(b.targetTokens());
        int expected = 0;
        for (int[] r : packed.subList(0, 3)) for (int idx : r) expected += tok.encode(rows.get(idx).completion(), false).length + 1;
        assertThat(b.targetTokens()).isEqualTo(expected);

        Transformer m = Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 3);
        try (var g = Grad.noGrad()) {
            float loss = m.loss(b.ids(), b.targets(), b.rows(), b.seq(), Transformer.LossOptions.NONE).main().loss().item();
            Tensor lp = Softmax.tokenLogProbs(m.forward(b.ids(), b.rows(), b.seq()), b.targets());
            double sum = 0;
            for (int i = 0; i < b.targets().length; i++) if (b.targets()[i] >= 0) sum -= lp.data[i];
            assertThat((double) loss).isCloseTo(sum / b.targetTokens(), within(1e-5));
        }
    }

    /** A fresh nano model with the test tokenizer. */
    private Path nanoBase() throws Exception {
        Tokenizer tok = tokenizer();
        Path base = tmp.resolve("base");
        Checkpoint.save(Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 2), base, DType.F32, Long.MAX_VALUE);
        tok.save(base);
        return base;
    }

    /** 60 prompt/completion rows: "What is i + 2?" → "The answer is i+2.". */
    private Path additions() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) rows.add(Map.of("prompt", "What is " + i + " + 2?", "completion", "The answer is " + (i + 2) + "."));
        Path data = tmp.resolve("sft.jsonl");
        Jsonl.writeAll(data, rows);
        return data;
    }

    @Test
    void learnsTheCompletionsAndResumesBitIdentically() throws Exception {
        Path base = nanoBase(), data = additions();
        SftConfig c = SftConfig.builder().model(base).data(data).epochs(6).batchSize(2).seqLen(64)
                .peakLr(3e-3f).warmupSteps(2).evalEvery(10).checkpointEvery(10).seed(9).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<SftStep> seen = new java.util.ArrayList<>();
        SftTrainer.Result full = SftTrainer.run(c, tmp.resolve("a"), 0, quiet, seen::add);
        // The listener receives each step's metrics, typed, exactly as metrics.jsonl has them.
        List<String> rows = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        assertThat(seen).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(new ObjectMapper().readTree(rows.get(i))).isEqualTo(new ObjectMapper().readTree(r1j.data.Jsonl.write(seen.get(i).row())));
        }
        assertThat(seen.get(9).losses().evaluated()).isTrue();
        assertThat(seen.get(8).losses().evaluated()).isFalse();
        assertThat(seen.get(seen.size() - 1).losses().loss()).isEqualTo(full.trainLoss());
        SftTrainer.Result part = SftTrainer.run(c, tmp.resolve("b"), 13, quiet);
        assertThat(part.finalModel()).isNull();
        SftTrainer.Result resumed = SftTrainer.run(c, tmp.resolve("b"), 0, quiet);
        assertThat(resumed.steps()).isEqualTo(full.steps());
        Transformer a = Checkpoint.load(full.finalModel(), true), b = Checkpoint.load(resumed.finalModel(), true);
        for (var e : a.tensors().entrySet()) assertThat(b.tensors().get(e.getKey()).data).as(e.getKey()).containsExactly(e.getValue().data);
        List<String> metrics = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertThat(metrics).hasSize((int) full.steps());
        ObjectMapper json = new ObjectMapper();
        double first = json.readTree(metrics.get(0)).get("loss").asDouble();
        assertThat((double) full.trainLoss()).as("the loss falls over six epochs").isLessThan(first * 0.5);
        assertThat(tmp.resolve("a/report.html")).exists();
        // The same examples given as rows in memory (a program's dataset) train exactly as the file does.
        SftTrainer.Result fromRows = SftTrainer.builder(c.toBuilder().data((String) null).build())
                .examples(r1j.data.Datasets.read(data, false).examples()).console(quiet).build().train(tmp.resolve("rows"));
        Transformer r = Checkpoint.load(fromRows.finalModel(), true);
        for (var e : a.tensors().entrySet()) assertThat(r.tensors().get(e.getKey()).data).as(e.getKey()).containsExactly(e.getValue().data);
    }

    @Test
    void aDivergingRunSkipsItsNonFiniteStepsStopsWithTheCauseAndNeverCheckpointsThem() throws Exception {
        Path base = nanoBase(), data = additions();
        SftConfig c = SftConfig.builder().model(base).data(data).epochs(6).batchSize(2).seqLen(64)
                .peakLr(1e3f).warmupSteps(0).evalEvery(1000).checkpointEvery(1).seed(9).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SftTrainer.run(c, tmp.resolve("a"), 0, new PrintStream(console)))
                .isInstanceOf(NumericGuard.Fault.class).hasMessageContaining("lower --lr");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        long skipped = lines.stream().filter(l -> l.contains("\"skipped\":true")).count();
        assertThat(skipped).as("the non-finite steps before the stop are logged as skipped").isBetween(1L, (long) NumericGuard.PATIENCE);
        assertThat(console.toString()).contains("update skipped");
        // Every checkpoint written holds finite weights: the last one is loadable and clean.
        Path latest = tmp.resolve("a/checkpoints").resolve(Files.readString(tmp.resolve("a/checkpoints/latest.txt")).trim());
        Transformer m = Checkpoint.load(latest, true);
        for (var e : m.tensors().entrySet()) for (float x : e.getValue().data) assertThat(Float.isFinite(x)).as(e.getKey()).isTrue();
        assertThat(json.readTree(lines.get(0)).get("loss").asDouble()).isFinite();
    }

    @Test
    void loraTrainsOnlyTheAdapterAndResumesBitIdentically() throws Exception {
        Path base = nanoBase(), data = additions();
        byte[] baseWeights = Files.readAllBytes(base.resolve("model.safetensors"));
        r1j.model.LoraConfig lora = new r1j.model.LoraConfig(8, 16, 0.1, List.of("all-linear"), false);
        SftConfig c = SftConfig.builder().model(base).data(data).epochs(6).batchSize(2).seqLen(64)
                .peakLr(3e-2f).warmupSteps(2).evalEvery(10).checkpointEvery(10).seed(9).lora(lora).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        SftTrainer.Result full = SftTrainer.run(c, tmp.resolve("a"), 0, quiet);
        assertThat(SftTrainer.run(c, tmp.resolve("b"), 13, quiet).finalModel()).isNull();
        SftTrainer.Result resumed = SftTrainer.run(c, tmp.resolve("b"), 0, quiet);
        assertThat(full.finalModel().resolve("adapter_config.json")).exists();
        assertThat(full.finalModel().resolve("model.safetensors")).doesNotExist();
        assertThat(Files.readAllBytes(base.resolve("model.safetensors"))).as("the base is never written").isEqualTo(baseWeights);
        try (var x = r1j.io.SafeTensors.open(full.finalModel().resolve("adapter_model.safetensors"));
             var y = r1j.io.SafeTensors.open(resumed.finalModel().resolve("adapter_model.safetensors"))) {
            assertThat(x.entries().keySet()).isEqualTo(y.entries().keySet()).isNotEmpty();
            for (String n : x.entries().keySet()) assertThat(y.read(n)).as(n).containsExactly(x.read(n));
        }
        // On a random base only the adapters move, so the loss falls slowly (5.67 → 5.58 here): the mean of the last
        // five steps is clearly below that of the first five.
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        double early = 0, late = 0;
        for (int i = 0; i < 5; i++) {
            early += json.readTree(lines.get(i)).get("loss").asDouble() / 5;
            late += json.readTree(lines.get(lines.size() - 1 - i)).get("loss").asDouble() / 5;
        }
        assertThat(late).as("the adapter learns").isLessThan(early - 0.05);
        // The adapted model, loaded as generate and eval load it, gives the trained adapter's loss.
        Transformer m = Checkpoint.loadFrozen(base);
        r1j.model.Lora.load(full.finalModel(), m);
        assertThat(m.trainable()).allMatch(t -> t.name().startsWith("base_model.model."));
    }
}
