package r1j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts of a Hugging Face tokenizer.json that byte-level BPE tokenizers use (GPT-2, Llama 3, Qwen2/3,
 * DeepSeek-V3) into r1j's objects, and builds the JSON of r1j's own tokenizers. Anything else is refused with a
 * message naming the component, rather than encoded differently from Hugging Face.
 */
final class TokenizerJson {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TokenizerJson() {}

    static PreTokenizer.TextNormalizer normalizer(JsonNode n, String where) {
        if (n == null || n.isNull()) return PreTokenizer.TextNormalizer.IDENTITY;
        String type = n.path("type").asText();
        return switch (type) {
            case "NFC" -> PreTokenizer.TextNormalizer.form(Normalizer.Form.NFC);
            case "NFKC" -> PreTokenizer.TextNormalizer.form(Normalizer.Form.NFKC);
            case "NFD" -> PreTokenizer.TextNormalizer.form(Normalizer.Form.NFD);
            case "NFKD" -> PreTokenizer.TextNormalizer.form(Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(java.util.Locale.ROOT);
            case "Sequence" -> {
                List<PreTokenizer.TextNormalizer> parts = new ArrayList<>();
                for (JsonNode c : n.path("normalizers")) parts.add(normalizer(c, where));
                yield s -> {
                    for (PreTokenizer.TextNormalizer p : parts) s = p.apply(s);
                    return s;
                };
            }
            default -> throw new IllegalArgumentException(where + ": normalizer type '" + type + "' is not supported");
        };
    }

    static PreTokenizer preTokenizer(JsonNode n, String where) {
        if (n == null || n.isNull()) return new PreTokenizer.Sequence(List.of());
        String type = n.path("type").asText();
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> parts = new ArrayList<>();
                for (JsonNode c : n.path("pretokenizers")) parts.add(preTokenizer(c, where));
                yield new PreTokenizer.Sequence(parts);
            }
            case "Split" -> {
                JsonNode pat = n.path("pattern");
                String regex = pat.has("Regex") ? pat.get("Regex").asText() : java.util.regex.Pattern.quote(pat.path("String").asText());
                yield new PreTokenizer.Split(PreTokenizer.compile(regex), behavior(n.path("behavior").asText(), where),
                        n.path("invert").asBoolean(false));
            }
            case "Digits" -> new PreTokenizer.Digits(n.path("individual_digits").asBoolean(false));
            case "ByteLevel" -> new PreTokenizer.ByteLevelStage(n.path("add_prefix_space").asBoolean(false),
                    n.path("use_regex").asBoolean(true));
            default -> throw new IllegalArgumentException(where + ": pre_tokenizer type '" + type + "' is not supported");
        };
    }

    private static PreTokenizer.Behavior behavior(String s, String where) {
        return switch (s) {
            case "Removed" -> PreTokenizer.Behavior.REMOVED;
            case "Isolated" -> PreTokenizer.Behavior.ISOLATED;
            case "MergedWithPrevious" -> PreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> PreTokenizer.Behavior.MERGED_WITH_NEXT;
            case "Contiguous" -> PreTokenizer.Behavior.CONTIGUOUS;
            default -> throw new IllegalArgumentException(where + ": Split behavior '" + s + "' is not supported");
        };
    }

    /** Token strings added around a single sequence by the post-processor (TemplateProcessing), before and after. */
    record Template(List<String> before, List<String> after) {
        static final Template NONE = new Template(List.of(), List.of());
    }

    static Template postProcessor(JsonNode n, String where) {
        if (n == null || n.isNull()) return Template.NONE;
        String type = n.path("type").asText();
        switch (type) {
            case "ByteLevel":
                return Template.NONE;
            case "Sequence": {
                List<String> b = new ArrayList<>(), a = new ArrayList<>();
                for (JsonNode c : n.path("processors")) {
                    Template t = postProcessor(c, where);
                    b.addAll(t.before());
                    a.addAll(t.after());
                }
                return new Template(b, a);
            }
            case "TemplateProcessing": {
                List<String> b = new ArrayList<>(), a = new ArrayList<>();
                boolean seen = false;
                for (JsonNode piece : n.path("single")) {
                    if (piece.has("Sequence")) {
                        seen = true;
                    } else if (piece.has("SpecialToken")) {
                        String id = piece.get("SpecialToken").path("id").asText();
                        for (JsonNode tok : n.path("special_tokens").path(id).path("tokens")) (seen ? a : b).add(tok.asText());
                    }
                }
                return new Template(b, a);
            }
            default:
                throw new IllegalArgumentException(where + ": post_processor type '" + type + "' is not supported");
        }
    }

    /**
     * The pre-tokenizer of r1j's world tokenizer: DeepSeek-V3's number split (runs of up to 3 digits kept together)
     * with the preceding space attached, as GPT-2 attaches it to words, so " 12" is one token and a solution line
     * such as " 3 * 4 = 12" costs five; then words, punctuation and whitespace as in DeepSeek-V3's pattern.
     */
    static JsonNode worldPreTokenizer() {
        ObjectNode seq = F.objectNode().put("type", "Sequence");
        ArrayNode parts = seq.putArray("pretokenizers");
        parts.add(split(" ?\\p{N}{1,3}"));
        parts.add(split("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"));
        parts.add(F.objectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false));
        return seq;
    }

    private static ObjectNode split(String regex) {
        ObjectNode s = F.objectNode().put("type", "Split");
        s.putObject("pattern").put("Regex", regex);
        s.put("behavior", "Isolated").put("invert", false);
        return s;
    }

    static JsonNode byteLevelDecoder() {
        return F.objectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
    }
}
