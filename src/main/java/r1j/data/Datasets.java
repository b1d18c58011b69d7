package r1j.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSONL datasets as users of TRL bring them: {@code prompt}/{@code answer} (RL and evaluation), {@code
 * prompt}/{@code completion} (SFT), and chat {@code messages} ([{role, content}, …]). A malformed line fails with its
 * line number and the field at fault, or with skipBad is left out and counted.
 */
public final class Datasets {
    public record Message(String role, String content) {}

    /** One row: messages, or a prompt with an answer, a completion or both (SFT rows may keep their reference answer). */
    public record Example(int line, String prompt, String answer, String completion, List<Message> messages,
                          Map<String, Object> meta) {
        public String language() {
            Object l = meta.get("language");
            return l == null ? null : l.toString();
        }
    }

    public record Result(List<Example> examples, int skipped, List<String> problems) {}

    private Datasets() {}

    public static Result read(Path file, boolean skipBad) throws IOException {
        List<Example> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Jsonl.Line line : Jsonl.lines(file)) {
            try {
                if (line.error() != null) throw new IllegalArgumentException(file + ":" + line.line() + ": " + line.error());
                out.add(parse(line.row()));
            } catch (IllegalArgumentException e) {
                if (!skipBad) throw e;
                problems.add(e.getMessage());
            }
        }
        return new Result(out, problems.size(), problems);
    }

    static Example parse(Jsonl.Row row) {
        JsonNode n = row.node();
        Map<String, Object> meta = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (!List.of("prompt", "answer", "completion", "messages").contains(e.getKey())) {
                meta.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        });
        if (n.has("messages")) {
            JsonNode ms = n.get("messages");
            if (!ms.isArray() || ms.isEmpty()) throw row.error("field 'messages' must be a non-empty array");
            List<Message> list = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                JsonNode m = ms.get(i);
                if (!m.has("role") || !m.get("role").isTextual()) throw row.error("field 'messages'[" + i + "].role must be a string");
                if (!m.has("content") || !m.get("content").isTextual()) throw row.error("field 'messages'[" + i + "].content must be a string");
                String role = m.get("role").asText();
                if (!List.of("system", "user", "assistant").contains(role)) {
                    throw row.error("field 'messages'[" + i + "].role '" + role + "' is not system, user or assistant");
                }
                list.add(new Message(role, m.get("content").asText()));
            }
            return new Example(row.line(), null, null, null, list, meta);
        }
        String prompt = text(row, "prompt");
        String answer = null;
        if (n.has("answer")) {
            JsonNode a = n.get("answer");
            if (!a.isValueNode() || a.isNull()) throw row.error("field 'answer' must be a string or a number");
            answer = a.asText();
        }
        String completion = n.has("completion") ? text(row, "completion") : null;
        if (answer == null && completion == null) throw row.error("needs 'answer' or 'completion' beside 'prompt' (or 'messages')");
        return new Example(row.line(), prompt, answer, completion, null, meta);
    }

    private static String text(Jsonl.Row row, String field) {
        JsonNode v = row.node().get(field);
        if (v == null || v.isNull()) throw row.error("missing field '" + field + "'");
        if (!v.isTextual()) throw row.error("field '" + field + "' must be a string");
        return v.asText();
    }
}
