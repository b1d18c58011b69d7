package r1j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Tokenizer;

/** {@code r1j tokenizer train|encode}. */
@Command(name = "tokenizer", description = "Train a byte-level BPE, or encode JSONL text with a tokenizer.",
        subcommands = {TokenizerCommand.Train.class, TokenizerCommand.Encode.class})
public final class TokenizerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", description = "Learn a byte-level BPE from a text corpus (one document per line).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--corpus", required = true)
        Path corpus;

        @Option(names = "--vocab-size", defaultValue = "1024")
        int vocabSize;

        @Option(names = "--out", required = true, description = "Folder for tokenizer.json and tokenizer_config.json.")
        Path out;

        @Option(names = "--force", description = "Replace a tokenizer already in --out.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(corpus)) throw new UserError(corpus + ": no such file");
            // A model folder's tokenizer belongs to its weights: replacing it silently would break the model.
            if (Files.exists(out.resolve("tokenizer.json")) && !force) throw new UserError(out + " already holds a tokenizer (--force replaces it)");
            Tokenizer t;
            try (Stream<String> lines = Files.lines(corpus, StandardCharsets.UTF_8)) {
                List<String> docs = lines.toList();
                t = BpeTrainer.train(docs, vocabSize);
            }
            t.save(out);
            System.out.println("vocabulary " + t.vocabSize() + " → " + out.resolve("tokenizer.json"));
            return 0;
        }
    }

    @Command(name = "encode", description = "For each JSONL row's text, write {\"ids\": [...]}.")
    static final class Encode implements Callable<Integer> {
        @Option(names = "--tokenizer", required = true, description = "Folder with tokenizer.json (and tokenizer_config.json).")
        Path dir;

        @Option(names = "--data", required = true)
        Path data;

        @Option(names = "--add-special-tokens", description = "Add the post-processor's special tokens (a BOS, say).")
        boolean addSpecial;

        @Override
        public Integer call() throws IOException {
            Tokenizer t = Tokenizer.load(dir);
            List<Jsonl.Row> rows = Jsonl.read(data);
            if (rows.isEmpty()) throw new UserError(data + ": no rows");
            for (Jsonl.Row row : rows) {
                String text = row.field("text").isTextual() ? row.field("text").asText() : null;
                if (text == null) throw row.error("field 'text' must be a string");
                System.out.println(Jsonl.write(Map.of("ids", t.encode(text, addSpecial))));
            }
            return 0;
        }
    }
}
