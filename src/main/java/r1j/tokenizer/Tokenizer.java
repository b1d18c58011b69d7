package r1j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.io.AtomicFiles;

/**
 * A byte-level BPE tokenizer as Hugging Face's tokenizer.json describes it: added tokens are cut out of the text
 * first (leftmost, longest) and never split; the rest is normalised, pre-tokenized and BPE-encoded; the
 * post-processor may add special tokens; decoding maps the byte alphabet back and decodes UTF-8 leniently.
 * Real tokenizers of the GPT-2, Llama 3, Qwen2/3 and DeepSeek-V3 families load and encode exactly as the Hugging
 * Face library does (TokenizerParityTest).
 */
public final class Tokenizer {
    /** An added token: never split, optionally special (skipped when decoding with skipSpecial). */
    public record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean normalized) {}

    private final Bpe bpe;
    private final List<AddedToken> added;
    private final Map<Integer, AddedToken> addedById = new HashMap<>();
    private final Map<String, AddedToken> addedByContent = new HashMap<>();
    /** Added tokens by first character, longest first: leftmost-longest matching without an 800-way regex. */
    private final Map<Character, List<AddedToken>> addedByFirstChar = new HashMap<>();
    private final PreTokenizer.TextNormalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final TokenizerJson.Template template;
    private final JsonNode json;
    private final Map<String, JsonNode> config;

    private Tokenizer(JsonNode json, Map<String, JsonNode> config, String where) {
        this.json = json;
        this.config = config;
        JsonNode model = json.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IllegalArgumentException(where + ": model type '" + model.path("type").asText() + "' is not supported (BPE)");
        }
        if (model.path("byte_fallback").asBoolean(false)) throw new IllegalArgumentException(where + ": byte_fallback BPE is not supported");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            if (m.isArray()) {
                if (m.size() != 2) throw new IllegalArgumentException(where + ": merge " + m + " is not two symbols");
                merges.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                String s = m.asText();
                int sp = s.indexOf(' ', 1);
                if (sp < 0) throw new IllegalArgumentException(where + ": merge '" + s + "' is not two symbols");
                merges.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
            }
        }
        // Ids index arrays: an id far beyond the number of tokens (found by fuzzing: 2^30) would allocate gigabytes.
        int limit = Math.max(2 * (vocab.size() + json.path("added_tokens").size()), vocab.size() + 4096);
        for (var e : vocab.entrySet()) {
            if (e.getValue() < 0 || e.getValue() >= limit) {
                throw new IllegalArgumentException(where + ": token '" + e.getKey() + "' has id " + e.getValue() + ", outside 0–" + (limit - 1)
                        + " for " + vocab.size() + " tokens");
            }
        }
        // As Hugging Face's BPE builder (MergeTokenOutOfVocabulary): a merge's parts and result are tokens of the vocabulary.
        for (String[] m : merges) {
            for (String t : new String[] {m[0], m[1], m[0] + m[1]}) {
                if (!vocab.containsKey(t)) {
                    throw new IllegalArgumentException(where + ": merge '" + m[0] + " " + m[1] + "' uses '" + t + "', which is not in the vocabulary");
                }
            }
        }
        bpe = new Bpe(vocab, merges, model.path("ignore_merges").asBoolean(false));
        added = new ArrayList<>();
        for (JsonNode a : json.path("added_tokens")) {
            if (a.path("id").asInt(-1) < 0 || a.path("id").asInt() >= limit) {
                throw new IllegalArgumentException(where + ": added token " + a.path("content") + " has id " + a.path("id") + ", outside 0–" + (limit - 1));
            }
            AddedToken t = new AddedToken(a.path("id").asInt(), a.path("content").asText(), a.path("special").asBoolean(false),
                    a.path("lstrip").asBoolean(false), a.path("rstrip").asBoolean(false), a.path("normalized").asBoolean(false));
            added.add(t);
            addedById.put(t.id(), t);
            addedByContent.put(t.content(), t);
        }
        for (AddedToken t : added) {
            if (t.content().isEmpty()) continue;
            addedByFirstChar.computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>()).add(t);
        }
        for (List<AddedToken> l : addedByFirstChar.values()) l.sort(Comparator.comparingInt((AddedToken t) -> -t.content().length()));
        normalizer = TokenizerJson.normalizer(json.get("normalizer"), where);
        preTokenizer = TokenizerJson.preTokenizer(json.get("pre_tokenizer"), where);
        template = TokenizerJson.postProcessor(json.get("post_processor"), where);
    }

    // ---- loading and saving -------------------------------------------------------------------------------------

    /** Loads DIR/tokenizer.json and, if present, DIR/tokenizer_config.json. */
    public static Tokenizer load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(dir + ": no tokenizer.json");
        JsonNode json;
        try {
            json = TokenizerJson.JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        Map<String, JsonNode> cfg = new LinkedHashMap<>();
        Path cfgFile = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfgFile)) {
            try {
                TokenizerJson.JSON.readTree(cfgFile.toFile()).fields().forEachRemaining(e -> cfg.put(e.getKey(), e.getValue()));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new IllegalArgumentException(cfgFile + ": not valid JSON");
            }
        }
        return new Tokenizer(json, cfg, file.toString());
    }

    /** Builds a tokenizer from parts (the trainer's output). */
    static Tokenizer of(JsonNode json, Map<String, JsonNode> config) {
        return new Tokenizer(json, config, "tokenizer");
    }

    /** Writes tokenizer.json and tokenizer_config.json into dir, atomically. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), TokenizerJson.JSON.writeValueAsString(json));
        ObjectNode cfg = TokenizerJson.F.objectNode();
        config.forEach(cfg::set);
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"),
                TokenizerJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n");
    }

    // ---- encoding -----------------------------------------------------------------------------------------------

    /** Token ids of text; with addSpecial the post-processor's tokens (a BOS, say) are added. */
    public int[] encode(String text, boolean addSpecial) {
        return encode(text, addSpecial, java.util.function.UnaryOperator.identity());
    }

    /**
     * Token ids of text, each stretch between added tokens first mapped by plain: how {@link InertText} puts client
     * text back in place of its references, to be encoded as the plain text it is.
     */
    public int[] encode(String text, boolean addSpecial, java.util.function.UnaryOperator<String> plain) {
        List<Integer> ids = new ArrayList<>();
        if (addSpecial) for (String t : template.before()) ids.add(requireId(t));
        int at = 0;
        if (!addedByFirstChar.isEmpty()) {
            for (int i = 0; i < text.length(); i++) {
                AddedToken t = addedAt(text, i);
                if (t == null) continue;
                String before = text.substring(at, i);
                if (t.lstrip()) before = before.stripTrailing();
                encodeText(plain.apply(before), ids);
                ids.add(t.id());
                at = i + t.content().length();
                if (t.rstrip()) while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
                i = at - 1;
            }
        }
        encodeText(plain.apply(text.substring(at)), ids);
        if (addSpecial) for (String t : template.after()) ids.add(requireId(t));
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    /** The longest added token starting at i, or null. */
    private AddedToken addedAt(String text, int i) {
        return addedAt(text, i, false);
    }

    /** The longest added token (special only, if asked) starting at i, or null. */
    AddedToken addedAt(String text, int i, boolean specialOnly) {
        List<AddedToken> cands = addedByFirstChar.get(text.charAt(i));
        if (cands == null) return null;
        for (AddedToken t : cands) if ((t.special() || !specialOnly) && text.startsWith(t.content(), i)) return t;
        return null;
    }

    private void encodeText(String s, List<Integer> ids) {
        if (s.isEmpty()) return;
        for (String piece : preTokenizer.split(List.of(normalizer.apply(s)))) {
            for (int id : bpe.encode(piece)) ids.add(id);
        }
    }

    /** The text of ids; with skipSpecial, special added tokens are left out. Invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids, boolean skipSpecial) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            AddedToken a = addedById.get(id);
            if (a != null) {
                if (skipSpecial && a.special()) continue;
                ByteLevel.appendBytes(a.content(), bytes);
                continue;
            }
            String tok = bpe.token(id);
            if (tok == null) throw new IllegalArgumentException("token id " + id + " is not in the vocabulary");
            ByteLevel.appendBytes(tok, bytes);
        }
        // Malformed sequences become U+FFFD, as Rust's from_utf8_lossy does in Hugging Face's decoder.
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    // ---- vocabulary -----------------------------------------------------------------------------------------------

    /** Number of ids (one more than the largest id of the vocabulary and the added tokens). */
    public int vocabSize() {
        int max = bpe.maxId();
        for (AddedToken a : added) max = Math.max(max, a.id());
        return max + 1;
    }

    /** The id of a token string (an added token or a vocabulary entry), or null. */
    public Integer id(String token) {
        AddedToken a = addedByContent.get(token);
        return a != null ? Integer.valueOf(a.id()) : bpe.id(token);
    }

    public int requireId(String token) {
        Integer id = id(token);
        if (id == null) throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary");
        return id;
    }

    public List<AddedToken> addedTokens() {
        return List.copyOf(added);
    }

    /** bos/eos/pad from tokenizer_config.json (a string or an AddedToken object), or null. */
    public String configToken(String key) {
        JsonNode n = config.get(key);
        if (n == null || n.isNull()) return null;
        return n.isTextual() ? n.asText() : n.path("content").asText(null);
    }

    public Integer bosId() {
        String t = configToken("bos_token");
        return t == null ? null : id(t);
    }

    public Integer eosId() {
        String t = configToken("eos_token");
        return t == null ? null : id(t);
    }

    Bpe bpe() {
        return bpe;
    }

    static ArrayNode addedJson(List<AddedToken> tokens) {
        ArrayNode arr = TokenizerJson.F.arrayNode();
        for (AddedToken t : tokens) {
            arr.addObject().put("id", t.id()).put("content", t.content()).put("single_word", false)
                    .put("lstrip", t.lstrip()).put("rstrip", t.rstrip()).put("normalized", t.normalized())
                    .put("special", t.special());
        }
        return arr;
    }
}
