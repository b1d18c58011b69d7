package r1j.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import r1j.model.Transformer;
import r1j.tokenizer.Tokenizer;

/**
 * A model folder's generation_config.json, as transformers' GenerationConfig reads it: the sampling defaults the
 * model's authors chose (used where the user gives none) and its end-of-sequence ids (one or a list). Every field
 * may be missing (null).
 */
public record GenerationConfig(List<Integer> eosTokenIds, Boolean doSample, Double temperature, Double topP, Integer topK,
                               Double repetitionPenalty) {
    public static final String FILE = "generation_config.json";

    public static GenerationConfig read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) return new GenerationConfig(List.of(), null, null, null, null, null);
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(file + ": not a JSON object");
        List<Integer> eos = new ArrayList<>();
        JsonNode e = n.get("eos_token_id");
        if (e != null && e.isInt()) eos.add(e.asInt());
        else if (e != null && e.isArray()) for (JsonNode x : e) eos.add(number(file, "eos_token_id", x).intValue());
        else if (e != null && !e.isNull()) throw new IllegalArgumentException(file + ": eos_token_id must be an integer or a list of them");
        return new GenerationConfig(List.copyOf(eos), n.has("do_sample") ? n.get("do_sample").asBoolean() : null,
                optional(file, n, "temperature"), optional(file, n, "top_p"),
                n.hasNonNull("top_k") ? number(file, "top_k", n.get("top_k")).intValue() : null,
                optional(file, n, "repetition_penalty"));
    }

    private static Double optional(Path file, JsonNode n, String key) {
        return n.hasNonNull(key) ? number(file, key, n.get(key)).doubleValue() : null;
    }

    private static Number number(Path file, String key, JsonNode v) {
        if (!v.isNumber()) throw new IllegalArgumentException(file + ": " + key + " must be a number, not " + v);
        return v.numberValue();
    }

    /**
     * Every token that ends a completion: the tokenizer's eos, config.json's eos (one or a list, as Llama 3 gives)
     * and these. Instruct models end a turn with a token other than the base's eos (Qwen's &lt;|im_end|&gt;).
     */
    public int[] stopTokens(r1j.model.LanguageModel model, Tokenizer tok) {
        Set<Integer> ids = new LinkedHashSet<>();
        if (tok.eosId() != null) ids.add(tok.eosId());
        ids.addAll(model.config().eosTokenIds());
        ids.addAll(eosTokenIds);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The stop tokens of a model whose folder has no generation config (in-memory models): tokenizer and config. */
    public static int[] stopTokensOf(Transformer model, Tokenizer tok) {
        return new GenerationConfig(List.of(), null, null, null, null, null).stopTokens(model, tok);
    }
}
