package r1j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import r1j.cli.Main;
import r1j.data.Jsonl;

/** What tests that drive the command line need: a nano model with the world's tokenizer, world tasks, and child JVMs. */
public final class NanoWorld {
    private NanoWorld() {}

    /** A GRPO test's starting point: a nano model (dir/base) and its prompts (dir/train.jsonl). */
    public record Grpo(Path base, Path data) {}

    /**
     * 40 train-split world problems as prompt/answer JSONL, and a freshly initialised nano model whose 400-token BPE
     * was trained on them in the R1-Zero template (so a few GRPO steps of a test see real tags and numbers).
     */
    public static Grpo grpo(Path dir) throws Exception {
        java.util.List<r1j.data.Problem> ps = new r1j.data.World(r1j.data.World.Mix.defaults()).tasks(r1j.data.Splits.Split.TRAIN, 40, 1);
        java.util.List<String> corpus = new java.util.ArrayList<>();
        for (r1j.data.Problem p : ps) {
            corpus.add(r1j.tokenizer.Templates.R1_ZERO.render(p.prompt()) + " <think> x </think> <answer> " + p.answer() + " </answer>");
        }
        r1j.tokenizer.Tokenizer tok = r1j.tokenizer.BpeTrainer.train(corpus, 400);
        Path base = dir.resolve("base");
        r1j.io.Checkpoint.save(r1j.model.Transformer.init(r1j.model.Presets.get("nano").withVocabSize(tok.vocabSize()), 2), base,
                r1j.io.DType.F32, Long.MAX_VALUE);
        tok.save(base);
        Path data = dir.resolve("train.jsonl");
        StringBuilder sb = new StringBuilder();
        for (r1j.data.Problem p : ps) sb.append(Jsonl.write(p.row())).append('\n');
        Files.writeString(data, sb.toString(), java.nio.charset.StandardCharsets.UTF_8);
        return new Grpo(base, data);
    }

    /** A freshly initialised nano model folder (dir/model) with the world tokenizer; returns it. */
    public static Path model(Path dir) throws Exception {
        Path tok = dir.resolve("tokenizer"), model = dir.resolve("model");
        r1j.bench.TokenizerBench.worldTokenizer().save(tok);
        assertThat(Main.run("init", "--preset", "nano", "--tokenizer", tok.toString(), "--out", model.toString())).isZero();
        return model;
    }

    /** n train-split world problems as prompt/answer JSONL (dir/tasks.jsonl); returns the file. */
    public static Path tasks(Path dir, int n) {
        Path tasks = dir.resolve("tasks.jsonl");
        assertThat(Main.run("data", "tasks", "--split", "train", "--n", Integer.toString(n), "--out", tasks.toString())).isZero();
        return tasks;
    }

    /** The tasks as SFT rows: each prompt with a short tagged completion (dir/sft.jsonl); returns the file. */
    public static Path sft(Path dir, Path tasks) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (var p : Jsonl.readMaps(tasks)) {
            rows.append(Jsonl.write(Jsonl.object("prompt", p.get("prompt"), "completion", " <think> ... </think> <answer> " + p.get("answer")
                    + " </answer>"))).append('\n');
        }
        Path sft = dir.resolve("sft.jsonl");
        Files.writeString(sft, rows);
        return sft;
    }

    /** The command line of r1j in a new JVM with this test's class path: java … r1j.cli.Main args. */
    public static List<String> r1j(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "r1j.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
