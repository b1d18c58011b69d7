package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Jsonl;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/** The GRPO loop end to end on a nano model: metrics, the sampler/trainer log-prob agreement, resume. */
class GrpoTrainerTest {
    @TempDir
    Path tmp;

    @Test
    void stepsLogAgreeingLogProbsAndResume() throws Exception {
        List<Problem> ps = new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 40, 1);
        List<String> corpus = new ArrayList<>();
        for (Problem p : ps) corpus.add(Templates.R1_ZERO.render(p.prompt()) + " <think> x </think> <answer> " + p.answer() + " </answer>");
        Tokenizer tok = BpeTrainer.train(corpus, 400);
        Path base = tmp.resolve("base");
        Checkpoint.save(Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 2), base, DType.F32, Long.MAX_VALUE);
        tok.save(base);
        Path data = tmp.resolve("train.jsonl");
        StringBuilder sb = new StringBuilder();
        for (Problem p : ps) sb.append(Jsonl.write(p.row())).append('\n');
        Files.writeString(data, sb.toString(), StandardCharsets.UTF_8);
        GrpoConfig c = new GrpoConfig("r1-zero", "accuracy,format", null, 4, 3, 2, 0.2f, 0.28f, 0.04f,
                Advantages.Scale.GROUP_STD_SAMPLE, GrpoObjective.Aggregation.SEQUENCE_MEAN, true, false, 2, 1f, 1f, 1e-3f, 1, 3,
                12, 5, 1f, 0f, 0f, 1, 1, 3);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        GrpoTrainer.Result first = GrpoTrainer.run(c, base, data, tmp.resolve("run"), 2, quiet);
        assertThat(first.finalModel()).isNull();
        GrpoTrainer.Result done = GrpoTrainer.run(c, base, data, tmp.resolve("run"), 0, quiet);
        assertThat(done.steps()).isEqualTo(3);
        assertThat(done.finalModel()).exists();
        List<String> rows = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
        assertThat(rows).hasSize(3);
        for (String r : rows) {
            JsonNode n = new ObjectMapper().readTree(r);
            assertThat(n.get("logprob_max_diff").asDouble()).as("sampler vs trainer log-probs").isLessThan(1e-4);
            assertThat(n.get("kl").asDouble()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(n.get("reward_mean").asDouble()).isFinite();
            assertThat(n.get("length_mean").asDouble()).isPositive();
        }
        assertThat(tmp.resolve("run/samples.jsonl")).exists();
    }
}
