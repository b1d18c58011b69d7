package r1j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that reads input, given broken input (issue 21): a missing file, a folder for a file, an empty file,
 * a broken JSON line, wrong types, a model folder that is missing, empty or configured absurdly large, and negative,
 * zero or NaN options. Each must exit non-zero within a minute with one line saying what is wrong — no stack trace
 * (without --debug) and no OutOfMemoryError.
 */
class HostileInputTest {
    @TempDir
    static Path tmp;

    static Path model, tasks, pairs, noConfig, huge;

    @BeforeAll
    static void fixtures() throws Exception {
        Path tok = tmp.resolve("tokenizer");
        r1j.bench.TokenizerBench.worldTokenizer().save(tok);
        model = tmp.resolve("model");
        assertThat(Main.run("init", "--preset", "nano", "--tokenizer", tok.toString(), "--out", model.toString())).isZero();
        tasks = tmp.resolve("tasks.jsonl");
        assertThat(Main.run("data", "tasks", "--split", "train", "--n", "6", "--out", tasks.toString())).isZero();
        pairs = tmp.resolve("pairs.jsonl");
        assertThat(Main.run("data", "preferences", "--kind", "helpfulness", "--n", "6", "--out", pairs.toString())).isZero();
        Files.createDirectories(tmp.resolve("folder"));
        Files.writeString(tmp.resolve("empty.jsonl"), "");
        Files.writeString(tmp.resolve("broken.jsonl"), "{\"prompt\": \"What is 2 + 3?\", \"answer\": \"5\"}\n{\"prompt\": \"What is\n");
        Files.writeString(tmp.resolve("types.jsonl"), "{\"prompt\": 42, \"answer\": [1, 2], \"chosen\": {}, \"rejected\": null, \"text\": 7, \"input_ids\": \"x\"}\n");
        Files.write(tmp.resolve("binary.jsonl"), new byte[] {0, 1, (byte) 0xff, (byte) 0xfe, 'x', '\n'});
        // A byte-order mark and CRLF line ends are read (the first row), and the broken second row named.
        Files.writeString(tmp.resolve("bom-crlf-broken.jsonl"), "\uFEFF{\"prompt\": \"What is 2 + 3?\", \"completion\": \"5\", \"answer\": \"5\"}\r\n{\"prompt\":\r\n");
        noConfig = Files.createDirectories(tmp.resolve("no-config"));
        huge = Files.createDirectories(tmp.resolve("huge"));
        String cfg = Files.readString(model.resolve("config.json")).replaceFirst("\"hidden_size\"\\s*:\\s*\\d+", "\"hidden_size\" : 1000000000")
                .replaceFirst("\"vocab_size\"\\s*:\\s*\\d+", "\"vocab_size\" : 2000000000");
        Files.writeString(huge.resolve("config.json"), cfg);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) Files.copy(model.resolve(f), huge.resolve(f));
    }

    /** The input files every data-reading command is given, one at a time. */
    private static final List<String> BAD_FILES = List.of("missing.jsonl", "folder", "empty.jsonl", "broken.jsonl", "types.jsonl", "binary.jsonl");

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String f : BAD_FILES) {
            String d = "@" + f;
            add(out, "eval", "--model", "@model", "--data", d, "--k", "1", "--max-new-tokens", "4", "--no-greedy");
            add(out, "reward", "--data", d, "--rewards", "accuracy,format");
            add(out, "sft", "--model", "@model", "--data", d, "--out", "@out", "--epochs", "1");
            add(out, "grpo", "--model", "@model", "--data", d, "--out", "@out", "--steps", "1", "--force");
            add(out, "rm", "train", "--model", "@model", "--data", d, "--out", "@out");
            add(out, "reject-sample", "--model", "@model", "--data", d, "--out", "@out", "--problems", "2", "-n", "1");
            add(out, "distill", "--teacher", "@model", "--student", "@model", "--data", d, "--out", "@out", "--problems", "2");
            add(out, "logprobs", "--model", "@model", "--data", d);
            add(out, "tokenizer", "encode", "--tokenizer", "@model", "--data", d);
            add(out, "data", "stats", d);
            add(out, "pretrain", "--preset", "nano", "--corpus", d, "--out", "@out", "--tokens", "2048");
        }
        for (String m : List.of("@missing-model", "@no-config", "@huge", "@tasks")) {
            add(out, "eval", "--model", m, "--data", "@tasks", "--k", "1");
            add(out, "generate", "--model", m, "--prompt", "hi");
            add(out, "serve", "--model", m, "--port", "0");
            add(out, "sft", "--model", m, "--data", "@tasks", "--out", "@out");
            add(out, "grpo", "--model", m, "--data", "@tasks", "--out", "@out", "--force");
            add(out, "inspect", "--model", m);
            add(out, "export", "--model", m, "--gguf", "@out.gguf");
        }
        add(out, "init", "--config", "@huge-config", "--out", "@out");
        // Output folders that belong to something else: a model's tokenizer, a folder no job of that kind wrote.
        add(out, "tokenizer", "train", "--corpus", "@tasks", "--out", "@model");
        add(out, "coldstart", "--base", "@model", "--data", "@tasks", "--out", "@huge", "--problems", "1", "--samples", "1");
        add(out, "reject-sample", "--model", "@model", "--data", "@tasks", "--out", "@huge", "--problems", "1", "-n", "1");
        add(out, "distill", "--teacher", "@model", "--student", "@model", "--data", "@tasks", "--out", "@huge", "--problems", "1");
        add(out, "pipeline", "--preset", "nano", "--out", "@tasks");
        add(out, "report", "@missing-run");
        add(out, "report", "@empty.jsonl");
        for (String[] o : new String[][] {{"--k", "0"}, {"--k", "-3"}, {"--temperature", "NaN"}, {"--temperature", "-1"},
                {"--top-p", "0"}, {"--top-p", "2"}, {"--max-new-tokens", "-5"}, {"--limit", "-1"}}) {
            add(out, "eval", "--model", "@model", "--data", "@tasks", o[0], o[1]);
        }
        for (String[] o : new String[][] {{"--lr", "NaN"}, {"--lr", "-1"}, {"--epochs", "0"}, {"--batch-size", "0"}, {"--seq-len", "-1"},
                {"--adam-beta2", "1"}, {"--adam-epsilon", "0"}, {"--held-out-every", "-2"}}) {
            add(out, "sft", "--model", "@model", "--data", "@tasks", "--out", "@out", o[0], o[1]);
        }
        for (String[] o : new String[][] {{"--steps", "-1"}, {"-G", "0"}, {"-G", "1"}, {"--lr", "NaN"}, {"--beta", "-1"},
                {"--eps-low", "NaN"}, {"--temperature", "0"}, {"--prompts-per-step", "0"}, {"--max-completion-tokens", "0"},
                {"--adam-beta1", "NaN"}, {"--overlong-buffer", "0"}, {"--repetition-ngram", "0"}, {"--dynamic-sampling", "sometimes"},
                {"--importance-level", "word"}, {"--policy-loss", "ppo"}, {"--refill-max-groups", "-1"}}) {
            add(out, "grpo", "--model", "@model", "--data", "@tasks", "--out", "@out", "--force", o[0], o[1]);
        }
        for (String[] o : new String[][] {{"--lr", "NaN"}, {"--epochs", "0"}, {"--batch-pairs", "0"}}) {
            add(out, "rm", "train", "--model", "@model", "--data", "@pairs", "--out", "@out", o[0], o[1]);
        }
        for (String[] o : new String[][] {{"--tokens", "-1"}, {"--lr", "NaN"}, {"--batch-size", "0"}, {"--adam-beta1", "-0.1"}}) {
            add(out, "pretrain", "--preset", "nano", "--corpus-tokens", "20000", "--out", "@out", o[0], o[1]);
        }
        add(out, "serve", "--model", "@model", "--port", "-1");
        add(out, "serve", "--model", "@model", "--max-batch", "0", "--port", "0");
        add(out, "data", "tasks", "--split", "train", "--n", "-5", "--out", "@out.jsonl");
        add(out, "reward", "--data", "@tasks", "--rewards", "accuracy,nonsense");
        add(out, "reward", "--data", "@bom-crlf-broken.jsonl", "--rewards", "accuracy");
        add(out, "reward", "--data", "@tasks", "--rewards", "accuracy", "--weights", "NaN");
        return out.stream();
    }

    private static void add(List<Arguments> out, String... args) {
        out.add(Arguments.of(String.join(" ", args), args));
    }

    private static int counter;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesInOneLine(String label, String[] template) throws Exception {
        Path run = tmp.resolve("out-" + (counter++));
        String[] args = new String[template.length];
        for (int i = 0; i < args.length; i++) {
            String a = template[i];
            args[i] = !a.startsWith("@") ? a : switch (a) {
                case "@model" -> model.toString();
                case "@tasks" -> tasks.toString();
                case "@pairs" -> pairs.toString();
                case "@no-config" -> noConfig.toString();
                case "@huge" -> huge.toString();
                case "@huge-config" -> huge.resolve("config.json").toString();
                case "@out" -> run.toString();
                case "@out.gguf" -> run + ".gguf";
                case "@out.jsonl" -> run + ".jsonl";
                default -> tmp.resolve(a.substring(1)).toString();
            };
        }
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(OutputStreamSink.INSTANCE, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Main.run(args), label + " did not finish within a minute");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        List<String> lines = e.lines().filter(l -> l.startsWith("r1j: error") || l.startsWith("r1j: failed") || l.startsWith("r1j: out of memory")
                || l.contains("Exception") || l.startsWith("\tat ") || l.startsWith("Try '")).toList();
        assertThat(code).as("%s\n%s", label, e).isIn(1, 2);
        assertThat(e).as(label).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("OutOfMemoryError");
        assertThat(lines.stream().filter(l -> l.startsWith("r1j: error") || l.startsWith("r1j: failed")).count()).as("%s\n%s", label, e).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void aByteOrderMarkAndCrlfLineEndsAreRead() throws Exception {
        Path f = tmp.resolve("bom-crlf.jsonl");
        Files.writeString(f, "\uFEFF{\"prompt\": \"What is 2 + 3?\", \"completion\": \"<answer> 5 </answer>\", \"answer\": \"5\"}\r\n"
                + "{\"prompt\": \"What is 1 + 1?\", \"completion\": \"3\", \"answer\": \"2\"}\r\n");
        List<r1j.data.Jsonl.Row> rows = r1j.data.Jsonl.read(f);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).node().get("prompt").asText()).isEqualTo("What is 2 + 3?");
    }

    /** Standard output is not judged here (progress lines of a job that failed later). */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}
    }
}
