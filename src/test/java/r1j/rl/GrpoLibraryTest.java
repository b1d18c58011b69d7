package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.testing.NanoWorld;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.reward.AccuracyReward;
import r1j.reward.FormatReward;
import r1j.reward.Reward;
import r1j.reward.Rewards;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * GRPO from Java (issue 36): the rewards as objects and a lambda, the prompts as an in-memory list, each step's typed
 * metrics to a listener. The same rewards given as objects train exactly as when named in the settings, and the
 * listener receives exactly what metrics.jsonl holds.
 */
class GrpoLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void rewardsAsObjectsTrainAsTheirNamesAndTheListenerSeesEachRow() throws Exception {
        NanoWorld.Grpo world = NanoWorld.grpo(tmp);
        Path base = world.base(), data = world.data();
        GrpoConfig c = GrpoConfig.builder().model(base).groupSize(4).promptsPerStep(3).maxCompletionTokens(12).microBatch(6)
                .steps(3).warmupSteps(1).lr(1e-3f).checkpointEvery(100).sampleEvery(100).seed(4).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

        // By name, from the file: the command line's way.
        Path byName = GrpoTrainer.run(c.toBuilder().data(data).rewards("accuracy,format").rewardWeights("1,0.1").build(),
                tmp.resolve("by-name"), 0, quiet).finalModel();

        // As objects, on rows in memory, with a listener.
        List<Datasets.Example> rows = Datasets.read(data, false).examples();
        Rewards rewards = Rewards.builder().add(new AccuracyReward(true), 1).add(new FormatReward(), 0.1).build();
        List<GrpoStep> seen = new ArrayList<>();
        GrpoTrainer trainer = GrpoTrainer.builder(c).rewards(rewards).prompts(rows).listener(seen::add).console(quiet).build();
        GrpoTrainer.Result r = trainer.train(tmp.resolve("as-objects"));

        sameTensors(byName, r.finalModel());
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(tmp.resolve("as-objects").resolve("metrics.jsonl"));
        assertThat(seen).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(json.readTree(lines.get(i))).isEqualTo(json.readTree(Jsonl.write(seen.get(i).row())));
            assertThat(seen.get(i).step()).isEqualTo(i + 1);
        }
        assertThat(seen.get(2).rewards().parts()).containsOnlyKeys("accuracy", "format");
        assertThat(r.lastReward()).isEqualTo(seen.get(2).rewardMean());
        assertThat(json.readTree(tmp.resolve("as-objects").resolve("config.json").toFile()).get("rewards").asText()).isEqualTo("accuracy,format");

        // A reward written as a lambda: its name is its column.
        Reward shortAnswer = Reward.of("short", s -> s.completion().length() <= 20 ? 1 : 0);
        List<GrpoStep> lambda = new ArrayList<>();
        GrpoTrainer.builder(c.toBuilder().steps(2).build()).rewards(Rewards.builder().add(shortAnswer, 1).build()).prompts(rows)
                .listener(lambda::add).hardest(e -> e.answer() != null).console(quiet).build().train(tmp.resolve("lambda"));
        assertThat(lambda).hasSize(2);
        // The task's hardest rows (here every row) are the ones whose replies each step reports apart.
        assertThat(lambda.get(0).replies().hardest()).isNotNull();
        assertThat(lambda.get(0).replies().hardest().length()).isEqualTo(lambda.get(0).replies().lengthMean());
        assertThat(lambda.get(0).rewards().parts()).containsOnlyKeys("short");
        assertThat(lambda.get(0).accuracy()).isNaN();
    }

    private static void sameTensors(Path want, Path got) throws Exception {
        try (SafeTensors x = SafeTensors.open(want.resolve("model.safetensors")); SafeTensors y = SafeTensors.open(got.resolve("model.safetensors"))) {
            assertThat(y.entries().keySet()).isEqualTo(x.entries().keySet());
            for (String n : x.entries().keySet()) assertThat(y.read(n)).as(n).containsExactly(x.read(n));
        }
    }
}
