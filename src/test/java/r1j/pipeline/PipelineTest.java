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
import r1j.rl.GrpoConfig;

/**
 * The nano pipeline end to end: every stage's folder is complete, the stage table's figures are finite, the report
 * exists, and running the command again redoes nothing. (The figures themselves belong to the tiny run of docs/results.md.)
 */
class PipelineTest {
    @TempDir
    Path tmp;

    @Test
    void everyStageRunsOnceAndTheTableIsFinite() throws Exception {
        GrpoConfig grpo = GrpoConfig.builder().groupSize(4).promptsPerStep(4).warmupSteps(1).steps(3)
                .maxCompletionTokens(48).microBatch(32).build();
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
        // The report opens with the stage table, every evaluated stage a row, and draws the findings.
        String report = Files.readString(out.resolve("report.html"));
        assertThat(report.indexOf("<table id=\"stages\">")).isPositive().isLessThan(report.indexOf("id=\"findings\""));
        assertThat(report).contains("R1-Zero (GRPO from the base").contains("data-metric=\"R1-Zero: accuracy of its rollouts\"")
                .contains("data-kind=\"grpo\"").contains("data-kind=\"pretraining\"");
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

    /**
     * `r1j r1-zero` runs the pipeline's own first stages: the pipeline then continues in the same folder without
     * redoing them, and its table has every figure for the base and R1-Zero too (their rows, first written without the
     * reward models' scores, are completed).
     */
    @Test
    void r1ZeroAloneThenThePipelineContinues() throws Exception {
        Path out = tmp.resolve("zero");
        GrpoConfig grpo = GrpoConfig.builder().groupSize(4).promptsPerStep(4).warmupSteps(1).steps(3)
                .maxCompletionTokens(48).microBatch(32).build();
        Pipeline.Options o = new Pipeline.Options(PipelinePreset.of("nano"), out, null, grpo, 1, false);
        List<Map<String, Object>> zero = new Pipeline(o, new PrintStream(new ByteArrayOutputStream())).runR1Zero();
        assertThat(zero).extracting(r -> r.get("stage")).containsExactly("base", "r1-zero");
        assertThat(zero.get(0)).doesNotContainKey("rm_helpfulness");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Map<String, Object>> table = new Pipeline(o, new PrintStream(log)).run();
        assertThat(log.toString()).contains("[base] complete, skipped").contains("[r1-zero] complete, skipped");
        for (Map<String, Object> row : table.subList(0, 2)) {
            assertThat(((Number) row.get("rm_helpfulness")).doubleValue()).as(row.get("stage") + "").isFinite();
        }
    }

    /** A point of the run to kill it at: as soon as this file exists under the run folder. */
    private record KillPoint(String file, String during) {}

    /**
     * Killed (SIGKILL) at several states of the run — each as soon as a given file appears, so the test depends on no
     * timing — the same command run again finishes the job: no stage complete before a launch runs again, and every
     * JSONL file and model folder left behind reads back whole.
     */
    @Test
    void killedAtAnyPointTheSameCommandFinishesWithoutRedoingStages() throws Exception {
        Path out = tmp.resolve("killed");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "r1j.cli.Main", "pipeline", "--preset", "nano",
                "--out", out.toString());
        List<KillPoint> points = List.of(new KillPoint("base/metrics.jsonl", "pretraining, before its first checkpoint"),
                new KillPoint("r1-zero/metrics.jsonl", "R1-Zero's GRPO"), new KillPoint("coldstart/direct.jsonl", "the cold start"),
                new KillPoint("sft2/metrics.jsonl", "SFT 2"), new KillPoint("rm-harmlessness/pairs.jsonl", "the harmlessness pairs"),
                new KillPoint("student-rl/metrics.jsonl", "the student's RL"));
        for (int launch = 0; launch <= points.size(); launch++) {
            java.util.Set<String> doneBefore = doneStages(out);
            Path log = tmp.resolve("log-" + launch + ".txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (launch < points.size()) {
                KillPoint k = points.get(launch);
                Path f = out.resolve(k.file());
                while (p.isAlive() && !Files.exists(f)) Thread.sleep(5);
                assertThat(p.isAlive()).as("still running when %s appeared (during %s):%n%s", k.file(), k.during(), Files.readString(log)).isTrue();
                p.destroyForcibly().waitFor();
            } else {
                assertThat(p.waitFor(600, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
            String text = Files.readString(log);
            for (String s : doneBefore) assertThat(text).as("stage %s was complete before this launch", s).doesNotContain("[" + s + "] running");
            if (launch == points.size()) assertThat(p.exitValue()).as(text).isZero();
        }
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(doneStages(out)).hasSize(15);
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".jsonl")).toList()) Jsonl.read(f);
        }
        for (String m : List.of("base", "r1-zero", "sft1", "reasoning-rl", "sft2", "rl-all", "student-distilled", "student-rl")) {
            r1j.io.Checkpoint.load(out.resolve(m).resolve("final"), true);
        }
    }

    private static java.util.Set<String> doneStages(Path out) throws java.io.IOException {
        java.util.Set<String> s = new java.util.TreeSet<>();
        if (!Files.isDirectory(out)) return s;
        try (var dirs = Files.list(out)) {
            for (Path d : dirs.toList()) if (Files.isRegularFile(d.resolve("DONE"))) s.add(d.getFileName().toString());
        }
        return s;
    }
}
