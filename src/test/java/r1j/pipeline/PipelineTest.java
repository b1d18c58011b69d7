package r1j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.data.Jsonl;
import r1j.rl.Advantages;
import r1j.rl.GrpoConfig;
import r1j.rl.GrpoObjective;

/**
 * The nano pipeline end to end: every stage's folder is complete, the stage table's figures are finite, the report
 * exists, and running the command again redoes nothing. (The figures themselves belong to the README's tiny run.)
 */
class PipelineTest {
    @TempDir
    Path tmp;

    @Test
    void everyStageRunsOnceAndTheTableIsFinite() throws Exception {
        GrpoConfig grpo = new GrpoConfig("r1-zero", "accuracy,format", null, 4, 4, 1, 0.2f, 0.2f, 0.02f, Advantages.Scale.GROUP_STD_SAMPLE,
                GrpoObjective.Aggregation.TOKEN_MEAN, false, false, 0, 1f, 1f, 1e-4f, 1, 3, 48, 32, 1f, 0f, 0f, 50, 10, 1);
        Path out = tmp.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Pipeline.Options o = new Pipeline.Options(PipelinePreset.of("nano"), out, null, grpo, 1, false);
        List<Map<String, Object>> table = new Pipeline(o, new PrintStream(log)).run();
        List<String> stages = List.of("data", "base", "r1-zero", "coldstart", "sft1", "reasoning-rl", "rejection", "sft2",
                "rm-helpfulness", "rm-harmlessness", "rl-all", "distill-data", "student-base", "student-distilled", "student-rl");
        List<String> models = List.of("base", "r1-zero", "sft1", "reasoning-rl", "sft2", "rl-all", "student-distilled", "student-rl");
        for (String s : stages) assertThat(out.resolve(s).resolve("DONE")).as(s).isRegularFile();
        for (String s : models) {
            assertThat(out.resolve(s).resolve("final/model.safetensors")).as(s).isRegularFile();
        }
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(table).extracting(r -> r.get("stage")).containsExactlyElementsOf(models);
        for (Map<String, Object> row : table) {
            for (String k : List.of("pass@1", "cons@2", "format", "readable", "language", "length", "general_accuracy",
                    "harmful_refused", "harmless_answered", "rm_helpfulness", "rm_harmlessness")) {
                assertThat(((Number) row.get(k)).doubleValue()).as(row.get("stage") + " " + k).isFinite();
            }
        }
        assertThat(Jsonl.readMaps(out.resolve("eval-stages.jsonl"))).hasSize(models.size());
        assertThat(Jsonl.readMaps(out.resolve("rm-harmlessness/accuracy.json")).get(0).get("held_out_accuracy")).isNotNull();

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        new Pipeline(o, new PrintStream(again)).run();
        String second = again.toString();
        for (String s : stages) assertThat(second).contains("[" + s + "] complete, skipped");
        assertThat(second).doesNotContain("running");
        assertThat(Files.readString(out.resolve("base/DONE"))).contains("seconds");
    }
}
