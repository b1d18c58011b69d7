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
 * prompt}/{@code completion} (SFT), and chat {@code messages} ([{role, content}, …]); prompts and completions also
 * in TRL's conversational form, and the fields of the usual math sets: GSM8K's {@code question} with an answer
 * ending "#### 42", MATH's {@code problem}/{@code solution} (its last \boxed{}), verl's
 * {@code reward_model.ground_truth}. A malformed line fails with its
 * line number and the field at fault, or with skipBad is left out and counted.
 */
public final class Datasets {
    /** One chat message: role system, user or assistant, and its text. */
    public record Message(String role, String content) {}

    /**
     * One row: messages, or a prompt with an answer, a completion or both (SFT rows may keep their reference answer).
     */
    public record Example(int line, String prompt, String answer, String completion, List<Message> messages,
                          Map<String, Object> meta) {
        /** A prompt with its reference answer (a GRPO or evaluation row), without metadata. */
        public static Example of(String prompt, String answer) {
            return new Example(0, prompt, answer, null, null, Map.of());
        }

        /** The row's language (its metadata's language field), or null. */
        public String language() {
            Object l = meta.get("language");
            return l == null ? null : l.toString();
        }
    }

    /** The rows read, and those left out (with why) when bad rows are skipped. */
    public record Result(List<Example> examples, int skipped, List<String> problems) {}

    private Datasets() {}

    /**
     * Rows given in memory, each a map of the fields a JSONL line has (prompt/answer, messages, completion, and any
     * metadata such as category or language), read exactly as the lines of a file are; a bad row fails naming its
     * number (from 1) and field.
     */
    public static List<Example> fromRows(Iterable<? extends Map<String, ?>> rows) {
        List<Example> out = new ArrayList<>();
        int i = 0;
        for (Map<String, ?> r : rows) {
            i++;
            JsonNode node = Jsonl.mapper().valueToTree(r);
            out.add(parse(new Jsonl.Row(null, i, node)));
        }
        return out;
    }

    /**
     * A JSONL file's rows; a malformed line fails with its number and field, or with skipBad is left out and counted.
     */
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
            if (!FIELDS.contains(e.getKey())) {
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
        String prompt = prompt(row);
        String answer = null;
        if (n.has("answer")) {
            JsonNode a = n.get("answer");
            if (!a.isValueNode() || a.isNull()) throw row.error("field 'answer' must be a string or a number");
            answer = a.asText();
            // GSM8K: the answer field is the worked solution ending in "#### 42".
            String marked = MarkedAnswers.afterHashes(answer);
            if (marked != null && !marked.isEmpty()) answer = marked;
        } else if (n.has("solution")) {
            // MATH: the reference is the solution's last \boxed{}.
            answer = MarkedAnswers.lastBoxed(text(row, "solution"));
            if (answer == null) throw row.error("field 'solution' has no \\boxed{} answer");
        } else if (n.path("reward_model").has("ground_truth")) {
            JsonNode g = n.get("reward_model").get("ground_truth");
            if (!g.isValueNode() || g.isNull()) throw row.error("field 'reward_model'.ground_truth must be a string or a number");
            answer = g.asText();
        }
        String completion = n.has("completion") ? completion(row) : null;
        if (answer == null && completion == null) {
            throw row.error("needs 'answer' (or 'solution', 'reward_model'.ground_truth) or 'completion' beside 'prompt' (or 'messages')");
        }
        return new Example(row.line(), prompt, answer, completion, null, meta);
    }

    /** The fields read as the row's content; every other field is kept as metadata (category, language, …). */
    private static final List<String> FIELDS = List.of("prompt", "question", "problem", "answer", "solution", "completion",
            "messages", "reward_model");

    /**
     * The question: {@code prompt} (a string, or TRL's conversational form, a list holding one user message), else
     * GSM8K's {@code question} or MATH's {@code problem}.
     */
    private static String prompt(Jsonl.Row row) {
        JsonNode n = row.node();
        if (n.has("prompt") && n.get("prompt").isArray()) return userTurn(row, "prompt", "user");
        if (!n.has("prompt")) {
            if (n.has("question")) return text(row, "question");
            if (n.has("problem")) return text(row, "problem");
        }
        return text(row, "prompt");
    }

    /** A completion as a string, or TRL's conversational form: a list holding one assistant message. */
    private static String completion(Jsonl.Row row) {
        return row.node().get("completion").isArray() ? userTurn(row, "completion", "assistant") : text(row, "completion");
    }

    private static String userTurn(Jsonl.Row row, String field, String role) {
        JsonNode ms = row.node().get(field);
        String content = null;
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw row.error("field '" + field + "'[" + i + "] must have string role and content");
            }
            if (!m.get("role").asText().equals(role) || content != null) {
                throw row.error("field '" + field + "' as a list must hold exactly one " + role + " message (r1j does not "
                        + "take system prompts or several turns there; use 'messages' for SFT)");
            }
            content = m.get("content").asText();
        }
        if (content == null) throw row.error("field '" + field + "' is an empty list");
        return content;
    }

    private static String text(Jsonl.Row row, String field) {
        JsonNode v = row.node().get(field);
        if (v == null || v.isNull()) throw row.error("missing field '" + field + "'");
        if (!v.isTextual()) throw row.error("field '" + field + "' must be a string");
        return v.asText();
    }
}
