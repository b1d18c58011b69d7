package r1j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.testing.NanoWorld;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.model.LoraConfig;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * Two trainings in one JVM, each on its own thread, end bit-identical to each run alone (issue 36, item 5): a LoRA
 * GRPO run (its dropout masks seeded per step, its rollouts on packed frozen weights) beside a full GRPO run (its
 * weights changing between the rollouts that pack them). Nothing one job sets may reach the other.
 */
class ConcurrentJobsTest {
    @TempDir
    Path tmp;

    private GrpoConfig lora, full;

    private void setUp() throws Exception {
        NanoWorld.Grpo world = NanoWorld.grpo(tmp);
        Path base = world.base(), data = world.data();
        GrpoConfig c = GrpoConfig.builder().groupSize(4).promptsPerStep(3).maxCompletionTokens(12).microBatch(6)
                .steps(4).warmupSteps(1).checkpointEvery(100).sampleEvery(100).model(base).data(data).build();
        lora = c.toBuilder().lora(new LoraConfig(4, 8, 0.2, List.of("all-linear"), false)).lr(1e-2f).seed(5).build();
        full = c.toBuilder().lr(1e-3f).mu(2).seed(9).build();
    }

    private static Callable<Path> job(GrpoConfig c, Path out) {
        return () -> GrpoTrainer.run(c, out, 0, new PrintStream(new ByteArrayOutputStream())).finalModel();
    }

    @Test
    void twoTrainingsAtOnceEndAsEachAlone() throws Exception {
        setUp();
        Path loraAlone = job(lora, tmp.resolve("lora-alone")).call(), fullAlone = job(full, tmp.resolve("full-alone")).call();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<Path> a = two.submit(job(lora, tmp.resolve("lora-beside"))), b = two.submit(job(full, tmp.resolve("full-beside")));
            sameTensors(loraAlone.resolve("adapter_model.safetensors"), a.get().resolve("adapter_model.safetensors"));
            sameTensors(fullAlone.resolve("model.safetensors"), b.get().resolve("model.safetensors"));
        } finally {
            two.shutdownNow();
        }
        assertThat(Files.readAllLines(tmp.resolve("lora-beside/metrics.jsonl")).size()).isEqualTo(4);
    }

    private static void sameTensors(Path want, Path got) throws Exception {
        try (SafeTensors x = SafeTensors.open(want); SafeTensors y = SafeTensors.open(got)) {
            assertThat(y.entries().keySet()).isEqualTo(x.entries().keySet());
            for (String n : x.entries().keySet()) assertThat(y.read(n)).as(n).containsExactly(x.read(n));
        }
    }
}
