package r1j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JSON Lines reading with errors that name the file, the line and the field. */
public final class Jsonl {
    static final ObjectMapper JSON = new ObjectMapper();

    private Jsonl() {}

    /** One parsed line with its 1-based line number. */
    public record Row(Path file, int line, JsonNode node) {
        public IllegalArgumentException error(String what) {
            return new IllegalArgumentException((file != null ? file + ":" + line : "row " + line) + ": " + what);
        }

        /** The field, which must exist. */
        public JsonNode field(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) throw error("missing field '" + name + "'");
            return v;
        }

        /** An array of integers in the given field. */
        public int[] intArray(String name) {
            JsonNode v = field(name);
            if (!v.isArray()) throw error("field '" + name + "' must be an array of integers");
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode x = v.get(i);
                if (!x.canConvertToInt() || !x.isIntegralNumber()) throw error("field '" + name + "'[" + i + "] is not an integer: " + x);
                out[i] = x.asInt();
            }
            return out;
        }
    }

    /** Every non-blank line of the file, parsed; a malformed line fails with its number. */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Line l : lines(file)) {
            if (l.error() != null) throw new IllegalArgumentException(file + ":" + l.line() + ": " + l.error());
            rows.add(l.row());
        }
        return rows;
    }

    /** A non-blank line: its parsed row, or why it is not a JSON object. */
    public record Line(int line, Row row, String error) {}

    /** Every non-blank line in order, bad ones included (for --skip-bad). */
    public static List<Line> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
        List<Line> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) line = line.substring(1); // a byte-order mark, as Windows editors write
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    node = null;
                }
                if (node == null || !node.isObject()) {
                    out.add(new Line(n, null, node == null ? "not valid JSON" : "not a JSON object"));
                } else {
                    out.add(new Line(n, new Row(file, n, node), null));
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (after line " + out.size() + " of its rows)");
        }
        return out;
    }

    /** The shared mapper, for converting rows read back into maps. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /**
     * A JSON object whose keys keep the order given (key, value, key, value, …). Map.of's order changes from one JVM to
     * the next, which made files written from it differ between a run and its resume.
     */
    public static java.util.Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values come in pairs");
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes rows as a JSONL file, atomically (a crash leaves the old file or none, never half a file). */
    public static void writeAll(Path file, Iterable<?> rows) throws IOException {
        if (file.getParent() != null) java.nio.file.Files.createDirectories(file.getParent());
        r1j.io.AtomicFiles.write(file, o -> {
            for (Object r : rows) o.write((write(r) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    }

    /** The rows of a JSONL file as maps, in order. */
    public static List<java.util.Map<String, Object>> readMaps(Path file) throws IOException {
        List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (Row r : read(file)) {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> m = JSON.convertValue(r.node(), java.util.LinkedHashMap.class);
            out.add(m);
        }
        return out;
    }
}
