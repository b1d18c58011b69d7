package r1j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of a command that reports figures: with --json one JSON object per row on stdout (every field), otherwise
 * an aligned table of the chosen columns for a person, its header printed before the first row.
 */
final class ResultRows {
    /** A column of the human table: the row's key, its header, and a format for its value ("%.2f", "%d", "%s"). */
    record Column(String key, String header, String format) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean json;
    private final List<Column> columns;
    private boolean headed;

    ResultRows(boolean json, Column... columns) {
        this.json = json;
        this.columns = List.of(columns);
    }

    static Column col(String key, String header, String format) {
        return new Column(key, header, format);
    }

    void print(Map<String, Object> row) {
        if (json) {
            try {
                System.out.println(JSON.writeValueAsString(row));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        StringBuilder line = new StringBuilder();
        if (!headed) {
            for (Column c : columns) line.append(String.format("%" + width(c) + "s ", c.header()));
            System.out.println(line.toString().stripTrailing());
            line.setLength(0);
            headed = true;
        }
        for (Column c : columns) {
            Object v = row.get(c.key());
            line.append(String.format("%" + width(c) + "s ", v == null ? "-" : String.format(Locale.ROOT, c.format(), v)));
        }
        System.out.println(line.toString().stripTrailing());
    }

    private static int width(Column c) {
        return Math.max(10, c.header().length());
    }
}
