package r1j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import r1j.data.Corpus;
import r1j.data.Jsonl;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.Stats;
import r1j.data.World;
import r1j.io.AtomicFiles;

/** {@code r1j data tasks|corpus|stats|preferences}: the miniature world's problems, its pretraining corpus, and summaries. */
@Command(name = "data", description = "Generate the world's problems and corpus, and summarise files.",
        subcommands = {DataCommand.Tasks.class, DataCommand.CorpusCmd.class, DataCommand.StatsCmd.class, DataCommand.Preferences.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "tasks", description = "Problems of one split as JSONL (prompt, answer, language, difficulty, category, id).")
    static final class Tasks implements Callable<Integer> {
        @Option(names = "--split", defaultValue = "train", description = "train, validation or test.")
        String split;

        @Option(names = "--n", defaultValue = "1000")
        int n;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Option(names = "--categories", defaultValue = "arith=0.75,word=0.25",
                description = "Category weights, e.g. arith=0.75,word=0.25 or general=1.")
        String categories;

        @Option(names = "--levels", description = "Weights of arithmetic difficulty 1–5, e.g. 0.05,0.15,0.25,0.3,0.25 "
                + "(default: 0.15,0.30,0.20,0.20,0.15).")
        String levels;

        @Override
        public Integer call() throws IOException {
            if (n < 1) throw new UserError("--n must be positive");
            World.Mix mix = World.Mix.defaults().withCategories(weights(categories));
            if (levels != null) {
                String[] parts = levels.split(",");
                if (parts.length != 5) throw new UserError("--levels needs five weights, for difficulties 1 to 5");
                double[] lv = new double[5];
                try {
                    for (int i = 0; i < 5; i++) lv[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new UserError("--levels: '" + levels + "' is not five numbers");
                }
                mix = new World.Mix(lv, mix.trapShare(), mix.categories());
            }
            World w = new World(mix);
            List<Problem> ps = w.tasks(Splits.parse(split), n, seed);
            AtomicFiles.write(out, o -> {
                for (Problem p : ps) o.write((Jsonl.write(p.row()) + "\n").getBytes(StandardCharsets.UTF_8));
            });
            System.err.println("wrote " + ps.size() + " " + split + " problems to " + out);
            return 0;
        }
    }

    @Command(name = "preferences", description = "Preference pairs (prompt, chosen, rejected) for a reward model.")
    static final class Preferences implements Callable<Integer> {
        @Option(names = "--kind", required = true, description = "helpfulness (summaries that explain) or harmlessness (refusals).")
        String kind;

        @Option(names = "--split", defaultValue = "train")
        String split;

        @Option(names = "--n", defaultValue = "2000")
        int n;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws IOException {
            List<Map<String, Object>> pairs = switch (kind) {
                case "helpfulness" -> r1j.data.PreferencePairs.helpfulness(new World(World.Mix.defaults()).tasks(Splits.parse(split), n, seed), seed);
                case "harmlessness" -> r1j.data.PreferencePairs.harmlessness(
                        new World(World.Mix.defaults().withCategories(Map.of("safety", 1.0))).tasks(Splits.parse(split), n, seed));
                default -> throw new UserError("--kind must be helpfulness or harmlessness");
            };
            Jsonl.writeAll(out, pairs);
            System.err.println("wrote " + pairs.size() + " " + kind + " pairs to " + out);
            return 0;
        }
    }

    static Map<String, Double> weights(String spec) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.split("=");
            if (kv.length != 2 || !World.CATEGORIES.contains(kv[0].trim())) {
                throw new UserError("--categories: '" + part + "' is not category=weight with a category of " + World.CATEGORIES);
            }
            try {
                m.put(kv[0].trim(), Double.parseDouble(kv[1]));
            } catch (NumberFormatException e) {
                throw new UserError("--categories: '" + kv[1] + "' is not a number");
            }
        }
        return m;
    }

    @Command(name = "corpus", description = "The pretraining corpus: one document per line, and its composition.")
    static final class CorpusCmd implements Callable<Integer> {
        @Option(names = "--tokens", required = true, description = "About how many tokens to write.")
        long tokens;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--mix", description = "Style weights over the defaults, e.g. careful=0.3,facts=0.2.")
        String mix;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws IOException {
            Map<Corpus.Style, Double> m = Corpus.parseMix(mix);
            Corpus.Composition[] comp = new Corpus.Composition[1];
            AtomicFiles.write(out, o -> {
                BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
                comp[0] = Corpus.write(w, tokens, m, seed);
                w.flush();
            });
            Map<String, Object> side = new LinkedHashMap<>();
            Map<String, Object> styles = new LinkedHashMap<>();
            for (Corpus.Style s : Corpus.Style.values()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("weight", m.getOrDefault(s, 0.0));
                row.put("documents", comp[0].docs().getOrDefault(s, 0L));
                row.put("approx_tokens", comp[0].tokens().getOrDefault(s, 0L));
                styles.put(s.id(), row);
            }
            side.put("seed", seed);
            side.put("approx_tokens", comp[0].totalTokens());
            side.put("styles", styles);
            AtomicFiles.writeString(Stats.sidecar(out), Jsonl.write(side) + "\n");
            System.err.println("wrote ~" + comp[0].totalTokens() + " tokens to " + out + " (composition in " + Stats.sidecar(out) + ")");
            return 0;
        }
    }

    @Command(name = "stats", description = "Summarise a tasks JSONL or a corpus text file.")
    static final class StatsCmd implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
            if (Files.size(file) == 0) throw new UserError(file + ": empty");
            if (file.toString().endsWith(".jsonl") && r1j.data.Datasets.read(file, false).examples().isEmpty()) {
                throw new UserError(file + ": no rows");
            }
            Map<String, Object> s = file.toString().endsWith(".jsonl") ? Stats.tasks(file) : Stats.corpus(file);
            if (json) {
                System.out.println(Jsonl.write(s));
                return 0;
            }
            PrintStream o = System.out;
            for (var e : s.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Map<?, ?> m) {
                    o.println(e.getKey() + ":");
                    m.forEach((k, x) -> o.printf("  %-16s %s%n", k, x));
                } else if (v instanceof com.fasterxml.jackson.databind.JsonNode node && node.isObject()) {
                    o.println(e.getKey() + ":");
                    o.printf("  %-16s %8s %10s %14s%n", "style", "weight", "documents", "approx tokens");
                    node.fields().forEachRemaining(f -> o.printf("  %-16s %8.2f %10d %14d%n", f.getKey(),
                            f.getValue().path("weight").asDouble(), f.getValue().path("documents").asLong(),
                            f.getValue().path("approx_tokens").asLong()));
                } else {
                    o.printf("%-24s %s%n", e.getKey(), v);
                }
            }
            return 0;
        }
    }
}
