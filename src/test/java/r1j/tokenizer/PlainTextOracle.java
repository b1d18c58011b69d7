package r1j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a prompt's ids are when message text is plain text, computed without r1j's tokenizer: Hugging Face's own
 * tokenizer (the Rust library, through DJL) on a copy of tokenizer.json without its added tokens encodes every run of
 * plain text, and an added token counts only where the template wrote it (outside the given message spans).
 */
public final class PlainTextOracle implements AutoCloseable {
    private final HuggingFaceTokenizer plain;
    private final List<String> added = new ArrayList<>();
    private final Map<String, Integer> ids = new java.util.HashMap<>();

    public PlainTextOracle(Path tokenizerDir, Path scratch) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode t = (ObjectNode) json.readTree(tokenizerDir.resolve("tokenizer.json").toFile());
        for (var a : t.withArray("added_tokens")) {
            added.add(a.get("content").asText());
            ids.put(a.get("content").asText(), a.get("id").asInt());
        }
        added.sort((x, y) -> y.length() - x.length());
        t.putArray("added_tokens");
        Files.createDirectories(scratch);
        Path f = scratch.resolve("tokenizer.json");
        json.writeValue(f.toFile(), t);
        plain = HuggingFaceTokenizer.newInstance(f, Map.of("addSpecialTokens", "false"));
    }

    /** The ids of rendered, where the characters in [start, end) of each span are message text. */
    public long[] encode(String rendered, List<int[]> messageSpans) {
        List<Long> out = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < rendered.length(); ) {
            int at = i;
            boolean inMessage = messageSpans.stream().anyMatch(s -> at >= s[0] && at < s[1]);
            String hit = null;
            if (!inMessage) for (String a : added) if (!a.isEmpty() && rendered.startsWith(a, i)) {
                hit = a;
                break;
            }
            if (hit == null) {
                run.append(rendered.charAt(i++));
                continue;
            }
            flush(run, out);
            out.add((long) ids.get(hit));
            i += hit.length();
        }
        flush(run, out);
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private void flush(StringBuilder run, List<Long> out) {
        if (run.isEmpty()) return;
        for (long id : plain.encode(run.toString(), false, false).getIds()) out.add(id);
        run.setLength(0);
    }

    /** The spans where each of these message texts first occurs in rendered, searching on after the previous one. */
    public static List<int[]> spans(String rendered, String... messages) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (String m : messages) {
            int i = rendered.indexOf(m, from);
            if (i < 0) throw new IllegalArgumentException("the template did not render the message verbatim: " + m);
            out.add(new int[] {i, i + m.length()});
            from = i + m.length();
        }
        return out;
    }

    @Override
    public void close() {
        plain.close();
    }
}
