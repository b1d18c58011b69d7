package r1j.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import r1j.data.Jsonl;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.model.LoraConfig;
import r1j.rl.GrpoConfig;
import r1j.tensor.FrozenDtype;
import r1j.rl.GrpoTrainer;
import r1j.train.TrainingRun;

/**
 * {@code r1j bench grpo}: GRPO steps on a model folder (e.g. a Hub checkpoint) with a LoRA adapter on its frozen
 * 16-bit base, next to full fine-tuning of the same model in the same run: seconds per step (the median after the
 * first) and rollout and update tokens/s. Whether each fits a heap is `r1j inspect`'s figure, checked by running
 * under that heap (docs/real-models.md): a peak of heap use inside one JVM says more about the collector's laziness.
 */
public final class GrpoBench {
    /** One GRPO measurement: full or LoRA, trainable parameters, seconds per step and throughputs. */
    public record Result(String mode, long trainable, double secondsPerStep, double rolloutTokensPerSecond,
                         double updateTokensPerSecond) {}

    /** The benchmark's GRPO steps: how many, prompts per step, completions per prompt, and their length limit. */
    public record Shape(int steps, int prompts, int group, int maxTokens) {}

    private GrpoBench() {}

    /** n train-split world problems as prompt/answer JSONL in dir: the prompts a GRPO benchmark trains on. */
    static Path worldTasks(Path dir, int n) throws IOException {
        Path data = dir.resolve("tasks.jsonl");
        List<java.util.Map<String, Object>> rows = new ArrayList<>();
        for (Problem p : new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, n, 1)) rows.add(p.row());
        Jsonl.writeAll(data, rows);
        return data;
    }

    /**
     * GRPO steps on model with rollouts sampled with the weights in dtype (8-bit: FrozenDtype.Q8), asyncSteps ahead of
     * the trainer (0: on-policy).
     */
    public static Result run(Path model, LoraConfig lora, Shape shape, FrozenDtype dtype, int asyncSteps) throws IOException {
        int steps = shape.steps(), prompts = shape.prompts(), group = shape.group(), maxTokens = shape.maxTokens();
        Path dir = Files.createTempDirectory("r1j-bench-grpo");
        try {
            Path data = worldTasks(dir, 64);
            GrpoConfig c = GrpoConfig.builder().model(model).data(data).template("plain").rewards("accuracy")
                    .steps(steps).promptsPerStep(prompts).groupSize(group).maxCompletionTokens(maxTokens)
                    .microBatch(prompts * group).checkpointEvery(1_000_000).sampleEvery(0).lora(lora).frozenDtype(dtype)
                    .asyncSteps(asyncSteps).build();
            GrpoTrainer.run(c, dir.resolve("run"), 0, new PrintStream(new ByteArrayOutputStream()));
            List<JsonNode> ms = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(dir.resolve("run").resolve(TrainingRun.METRICS))) ms.add(json.readTree(line));
            double[] secs = ms.stream().skip(ms.size() > 1 ? 1 : 0).mapToDouble(m -> m.get("seconds").asDouble()).sorted().toArray();
            JsonNode last = ms.get(ms.size() - 1);
            r1j.model.MemoryPlan plan = new r1j.model.MemoryPlan(r1j.model.ModelConfig.read(model.resolve("config.json")), 2);
            long trainable = lora != null ? plan.adapterParameters(lora) : plan.parameters();
            String mode = (lora != null ? "lora r=" + lora.r() : "full") + (dtype == FrozenDtype.Q8 ? ", q8 rollouts" : "")
                    + (asyncSteps > 0 ? ", async " + asyncSteps : "");
            return new Result(mode, trainable, secs[secs.length / 2],
                    last.get("rollout_tokens_per_s").asDouble(), last.get("update_tokens_per_s").asDouble());
        } finally {
            TrainingRun.deleteTree(dir);
        }
    }
}
