package r1j.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Summaries of the world's files for `r1j data stats`: a tasks JSONL, or a corpus with its composition sidecar. */
public final class Stats {
    private Stats() {}

    /** Rows as label → value, sections separated by a label starting with "#". */
    public static Map<String, Object> tasks(Path file) throws IOException {
        List<Jsonl.Row> rows = Jsonl.read(file);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        out.put("problems", rows.size());
        Map<String, Integer> cat = new TreeMap<>(), lang = new TreeMap<>(), diff = new TreeMap<>();
        int traps = 0, arith = 0, unique;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Jsonl.Row r : rows) {
            JsonNode n = r.node();
            cat.merge(n.path("category").asText("?"), 1, Integer::sum);
            lang.merge(n.path("language").asText("?"), 1, Integer::sum);
            diff.merge(n.path("difficulty").asText("?"), 1, Integer::sum);
            if (n.path("trap").asBoolean(false)) traps++;
            if (List.of("arith", "word").contains(n.path("category").asText())) arith++;
            ids.add(n.path("id").asText(r.line() + ""));
        }
        unique = ids.size();
        out.put("unique_problems", unique);
        out.put("by_category", cat);
        out.put("by_language", lang);
        out.put("by_difficulty", diff);
        out.put("precedence_traps", traps);
        out.put("trap_share_of_reasoning", arith == 0 ? 0 : Math.round(1000.0 * traps / arith) / 1000.0);
        return out;
    }

    public static Map<String, Object> corpus(Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        long docs = 0, tokens = 0, tagged = 0, template = 0, spanish = 0, bytes = Files.size(file);
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String l : (Iterable<String>) lines::iterator) {
                docs++;
                tokens += Corpus.approxTokens(l) + 1;
                if (l.contains("<think>")) tagged++;
                if (l.startsWith("A conversation between User and Assistant")) template++;
                if (l.contains("¿") || l.contains(" es ") || l.contains(" son ") || l.contains("La respuesta")) spanish++;
            }
        }
        out.put("documents", docs);
        out.put("bytes", bytes);
        out.put("approx_tokens", tokens);
        out.put("with_think_tags", share(tagged, docs));
        out.put("in_r1_zero_template", share(template, docs));
        out.put("spanish_looking", share(spanish, docs));
        Path side = sidecar(file);
        if (Files.isRegularFile(side)) out.put("composition", Jsonl.JSON.readTree(side.toFile()).get("styles"));
        return out;
    }

    public static Path sidecar(Path corpus) {
        return corpus.resolveSibling(corpus.getFileName() + ".composition.json");
    }

    private static double share(long a, long b) {
        return b == 0 ? 0 : Math.round(1000.0 * a / b) / 1000.0;
    }
}
