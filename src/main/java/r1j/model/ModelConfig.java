package r1j.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's config.json. The components are the Hugging Face keys, spelled as they are there, for DeepSeek-V3
 * ({@code model_type: deepseek_v3}: MLA and DeepSeekMoE) and for the dense models ({@code llama},
 * {@code qwen2}, {@code qwen3}). Keys a family does not use are null. {@link #problems()} names every inconsistency.
 */
public record ModelConfig(
        List<String> architectures,
        String model_type,
        int vocab_size,
        int hidden_size,
        int intermediate_size,
        int num_hidden_layers,
        int num_attention_heads,
        int num_key_value_heads,
        Integer head_dim,
        String hidden_act,
        double rms_norm_eps,
        double rope_theta,
        RopeScaling rope_scaling,
        int max_position_embeddings,
        boolean tie_word_embeddings,
        Boolean attention_bias,
        Double attention_dropout,
        double initializer_range,
        Integer bos_token_id,
        Integer eos_token_id,
        String torch_dtype,
        // DeepSeek-V3
        Integer moe_intermediate_size,
        Integer n_shared_experts,
        Integer n_routed_experts,
        Integer num_experts_per_tok,
        Double routed_scaling_factor,
        Integer n_group,
        Integer topk_group,
        Integer first_k_dense_replace,
        Integer moe_layer_freq,
        Boolean norm_topk_prob,
        String scoring_func,
        String topk_method,
        Boolean seq_aux,
        Double aux_loss_alpha,
        Integer kv_lora_rank,
        Integer q_lora_rank,
        Integer qk_nope_head_dim,
        Integer qk_rope_head_dim,
        Integer v_head_dim,
        Integer num_nextn_predict_layers,
        Boolean rope_interleave,
        Extras extras) {

    /**
     * What config.json holds beyond the keys above, kept so that a saved config round-trips the input's keys as
     * transformers does: unknown keys with their values (also an eos_token_id given as a list), the keys that were
     * absent and took transformers' default (written back absent), and the modelled keys given as null (written back
     * null).
     */
    public record Extras(Map<String, Object> keys, Set<String> defaulted, Set<String> nulls) {
        public static final Extras NONE = new Extras(Map.of(), Set.of(), Set.of());

        public Extras {
            keys = keys == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
            defaulted = defaulted == null ? Set.of() : Set.copyOf(defaulted);
            nulls = nulls == null ? Set.of() : Set.copyOf(nulls);
        }
    }

    public static final String DEEPSEEK_V3 = "deepseek_v3";
    public static final String LLAMA = "llama";
    public static final String QWEN2 = "qwen2";
    public static final String QWEN3 = "qwen3";
    private static final Set<String> TYPES = Set.of(DEEPSEEK_V3, LLAMA, QWEN2, QWEN3);
    /** Keys written even when null: for DeepSeek-V3 a null q_lora_rank and rope_scaling carry meaning. */
    private static final Set<String> NULL_MEANINGFUL = Set.of("q_lora_rank", "rope_scaling");

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDeepseek() {
        return DEEPSEEK_V3.equals(model_type);
    }

    public boolean usesQLora() {
        return q_lora_rank != null && q_lora_rank > 0;
    }

    /** Whether layer l uses the MoE feed-forward (DeepSeek-V3 layers from first_k_dense_replace on). */
    public boolean isMoeLayer(int l) {
        if (!isDeepseek() || n_routed_experts == null || n_routed_experts == 0) return false;
        int freq = moe_layer_freq == null ? 1 : moe_layer_freq;
        return l >= first_k_dense_replace && (l - first_k_dense_replace) % freq == 0;
    }

    /** Per-head width of the dense students' attention. */
    public int denseHeadDim() {
        return head_dim != null ? head_dim : hidden_size / num_attention_heads;
    }

    /** Whether queries and keys are RMS-normalised per head before RoPE (Qwen3's q_norm and k_norm). */
    public boolean qkNorm() {
        return QWEN3.equals(model_type);
    }

    /** Whether q/k/v projections carry a bias (Qwen2 always; Llama and Qwen3 when attention_bias). */
    public boolean qkvBias() {
        return QWEN2.equals(model_type) || Boolean.TRUE.equals(attention_bias);
    }

    /** MLA's query/key width per head, dn + dr. */
    public int qkHeadDim() {
        return qk_nope_head_dim + qk_rope_head_dim;
    }

    public int mtpLayers() {
        return num_nextn_predict_layers == null ? 0 : num_nextn_predict_layers;
    }

    /** Attention softmax scale: dqk^−1/2, times YaRN's mscale² when rope_scaling is YaRN (V3 §4.6). */
    public float softmaxScale() {
        int d = isDeepseek() ? qkHeadDim() : denseHeadDim();
        double scale = 1.0 / Math.sqrt(d);
        if (rope_scaling != null && "yarn".equals(rope_scaling.kind())) {
            double msAll = rope_scaling.mscale_all_dim() == null ? 0 : rope_scaling.mscale_all_dim();
            double m = RopeScaling.yarnMscale(rope_scaling.yarnFactor(max_position_embeddings), msAll);
            scale *= m * m;
        }
        return (float) scale;
    }

    /** Every inconsistency of this config, each naming the keys involved; empty when the config is usable. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (model_type == null || !TYPES.contains(model_type)) {
            p.add("model_type '" + model_type + "' is not one of " + TYPES);
            return p;
        }
        positive(p, "vocab_size", vocab_size);
        positive(p, "hidden_size", hidden_size);
        positive(p, "num_hidden_layers", num_hidden_layers);
        positive(p, "num_attention_heads", num_attention_heads);
        // A tensor is one Java array: an absurd size is refused here, not met as an overflow or OutOfMemoryError later.
        tensorFits(p, "vocab_size", vocab_size, "hidden_size", hidden_size);
        tensorFits(p, "intermediate_size", intermediate_size, "hidden_size", hidden_size);
        if (moe_intermediate_size != null) tensorFits(p, "moe_intermediate_size", moe_intermediate_size, "hidden_size", hidden_size);
        if (!(rms_norm_eps > 0)) p.add("rms_norm_eps must be > 0, got " + rms_norm_eps);
        if (rope_theta <= 0) p.add("rope_theta must be > 0, got " + rope_theta);
        if (hidden_act != null && !hidden_act.equals("silu")) p.add("hidden_act '" + hidden_act + "' is not supported (silu)");
        if (isDeepseek()) deepseekProblems(p);
        else denseProblems(p);
        slidingWindowProblems(p);
        ropeScalingProblems(p);
        return p;
    }

    private void deepseekProblems(List<String> p) {
        // (Map.of refuses null values, and a missing key is exactly what this must report.)
        String[] names = {"kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"};
        Integer[] values = {kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim};
        for (int i = 0; i < names.length; i++) {
            if (values[i] == null || values[i] <= 0) p.add(names[i] + " must be a positive integer, got " + values[i]);
        }
        if (q_lora_rank != null && q_lora_rank <= 0) {
            p.add("q_lora_rank must be null (no query compression) or positive, got " + q_lora_rank);
        }
        if (qk_rope_head_dim != null && qk_rope_head_dim % 2 != 0) p.add("qk_rope_head_dim must be even, got " + qk_rope_head_dim);
        if (num_key_value_heads != num_attention_heads) {
            p.add("num_key_value_heads " + num_key_value_heads + " must equal num_attention_heads "
                    + num_attention_heads + " for MLA");
        }
        Integer fk = first_k_dense_replace;
        if (fk == null || fk < 0 || fk > num_hidden_layers) {
            p.add("first_k_dense_replace " + fk + " must be within [0, num_hidden_layers = " + num_hidden_layers + "]");
        }
        if (fk != null && fk > 0) positive(p, "intermediate_size", intermediate_size);
        Integer e = n_routed_experts;
        if (e == null || e < 0) {
            p.add("n_routed_experts must be ≥ 0, got " + e);
            return;
        }
        if (e == 0) return;
        if (moe_intermediate_size == null || moe_intermediate_size <= 0) p.add("moe_intermediate_size must be positive");
        if (n_shared_experts == null || n_shared_experts < 0) p.add("n_shared_experts must be ≥ 0, got " + n_shared_experts);
        int g = n_group == null ? 1 : n_group, tg = topk_group == null ? 1 : topk_group;
        Integer k = num_experts_per_tok;
        if (g <= 0 || e % g != 0) {
            p.add("n_routed_experts " + e + " is not divisible by n_group " + g);
        } else {
            if (g > 1 && e / g < 2) p.add("n_group " + g + " leaves " + (e / g) + " expert per group; the top-2 group score needs ≥ 2");
            if (tg <= 0 || tg > g) p.add("topk_group " + tg + " must be within [1, n_group = " + g + "]");
            else if (k != null && k > tg * (e / g)) {
                p.add("num_experts_per_tok " + k + " exceeds the " + (tg * (e / g)) + " experts of topk_group " + tg + " groups");
            }
        }
        if (k == null || k <= 0 || k > e) p.add("num_experts_per_tok " + k + " must be within [1, n_routed_experts = " + e + "]");
        if (scoring_func != null && !scoring_func.equals("sigmoid")) {
            p.add("scoring_func '" + scoring_func + "' is not supported (DeepSeek-V3 uses sigmoid)");
        }
        if (topk_method != null && !topk_method.equals("noaux_tc")) {
            p.add("topk_method '" + topk_method + "' is not supported (DeepSeek-V3 uses noaux_tc)");
        }
        if (routed_scaling_factor == null || routed_scaling_factor <= 0) p.add("routed_scaling_factor must be positive");
        if (num_nextn_predict_layers != null && num_nextn_predict_layers < 0) p.add("num_nextn_predict_layers must be ≥ 0");
    }

    private void denseProblems(List<String> p) {
        positive(p, "intermediate_size", intermediate_size);
        positive(p, "num_key_value_heads", num_key_value_heads);
        if (num_key_value_heads > 0 && num_attention_heads % num_key_value_heads != 0) {
            p.add("num_attention_heads " + num_attention_heads + " is not a multiple of num_key_value_heads " + num_key_value_heads);
        }
        if (head_dim == null && num_attention_heads > 0 && hidden_size % num_attention_heads != 0) {
            p.add("hidden_size " + hidden_size + " is not a multiple of num_attention_heads " + num_attention_heads);
        }
        if (denseHeadDimOrZero() % 2 != 0) p.add("head dimension " + denseHeadDimOrZero() + " must be even for RoPE");
    }

    /**
     * Sliding-window attention (Qwen2's use_sliding_window, Mistral-style sliding_window) is not implemented: refused
     * when it would change any attention weight, i.e. when the window is shorter than max_position_embeddings.
     */
    private void slidingWindowProblems(List<String> p) {
        Object use = extraKey("use_sliding_window"), window = extraKey("sliding_window");
        boolean on = QWEN2.equals(model_type) || QWEN3.equals(model_type) ? Boolean.TRUE.equals(use)
                : window != null && !Boolean.FALSE.equals(use);
        if (on && window instanceof Number w && w.longValue() < max_position_embeddings) {
            p.add("sliding_window " + w + (use != null ? " with use_sliding_window true" : "") + " is not supported (r1j attends to "
                    + "every earlier position; that equals the window only up to " + w + " tokens): use a config without it");
        }
    }

    private Object extraKey(String key) {
        return extras == null ? null : extras.keys().get(key);
    }

    /** Every end-of-sequence id: config.json may give one or a list (Llama 3). */
    public List<Integer> eosTokenIds() {
        if (extraKey("eos_token_id") instanceof List<?> l) return l.stream().map(x -> ((Number) x).intValue()).toList();
        return eos_token_id == null ? List.of() : List.of(eos_token_id);
    }

    private int denseHeadDimOrZero() {
        return num_attention_heads <= 0 ? 0 : denseHeadDim();
    }

    private void ropeScalingProblems(List<String> p) {
        RopeScaling rs = rope_scaling;
        if (rs == null || "default".equals(rs.kind())) return;
        String kind = String.valueOf(rs.kind());
        if (!Set.of("yarn", "llama3", "linear", "dynamic").contains(kind)) {
            p.add("rope_scaling type '" + kind + "' is not supported (null, default, linear, dynamic, llama3 or yarn)");
            return;
        }
        if (rs.factor() != null ? rs.factor() < 1 : !kind.equals("yarn")) p.add("rope_scaling.factor must be ≥ 1, got " + rs.factor());
        if (kind.equals("linear") || kind.equals("dynamic")) return;
        if (rs.original_max_position_embeddings() == null || rs.original_max_position_embeddings() <= 0) {
            p.add("rope_scaling.original_max_position_embeddings must be positive");
            return;
        }
        if (kind.equals("llama3") && (rs.low_freq_factor() == null || rs.high_freq_factor() == null || rs.low_freq_factor() <= 0
                || rs.high_freq_factor() <= rs.low_freq_factor())) {
            p.add("rope_scaling llama3 needs 0 < low_freq_factor < high_freq_factor, got " + rs.low_freq_factor() + " and "
                    + rs.high_freq_factor());
        }
        // YaRN: an explicit factor wins over max_position_embeddings / original_max_position_embeddings, as in current
        // transformers (Qwen's documented block sets factor 4 beside an unchanged max_position_embeddings).
    }

    private static void tensorFits(List<String> p, String a, long x, String b, long y) {
        if (x > 0 && y > 0 && x * y > Integer.MAX_VALUE) {
            p.add(a + " × " + b + " = " + x * y + " weights, more than one tensor holds (2^31 − 1)");
        }
    }

    private static void positive(List<String> p, String key, int v) {
        if (v <= 0) p.add(key + " must be positive, got " + v);
    }

    /** Throws one message listing every problem, prefixed by where the config came from. */
    public ModelConfig validated(String source) {
        List<String> p = problems();
        if (!p.isEmpty()) throw new IllegalArgumentException(source + ": invalid config: " + String.join("; ", p));
        return this;
    }

    // ---- config.json ------------------------------------------------------------------------------------------

    public static ModelConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such config file");
        ModelConfig c;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(file.toFile(), LinkedHashMap.class);
            if (m == null) throw new IllegalArgumentException("not a JSON object (the file says null)");
            c = fromMap(m);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return c.validated(file.toString());
    }

    private static final Set<String> COMPONENTS = componentNames();

    private static Set<String> componentNames() {
        Set<String> s = new java.util.HashSet<>();
        for (var rc : ModelConfig.class.getRecordComponents()) s.add(rc.getName());
        s.remove("extras");
        return Set.copyOf(s);
    }

    /**
     * A config from config.json's keys: keys r1j does not model go to extras; an eos_token_id list gives its first id
     * (the list is kept); absent optional keys take transformers' defaults for the model type ({@link #hfDefaults}).
     */
    static ModelConfig fromMap(Map<String, Object> in) {
        Map<String, Object> known = new LinkedHashMap<>(), extra = new LinkedHashMap<>();
        for (var e : in.entrySet()) (COMPONENTS.contains(e.getKey()) ? known : extra).put(e.getKey(), e.getValue());
        if (known.get("eos_token_id") instanceof List<?> l) {
            extra.put("eos_token_id", l);
            known.put("eos_token_id", l.isEmpty() ? null : l.get(0));
        }
        Set<String> defaulted = new java.util.LinkedHashSet<>();
        // transformers v5 writes rope_theta and the scaling together as rope_parameters (kept as it is, and read here).
        if (extra.get("rope_parameters") instanceof Map<?, ?> rp && !known.containsKey("rope_theta") && !known.containsKey("rope_scaling")) {
            if (rp.get("rope_theta") != null) {
                known.put("rope_theta", rp.get("rope_theta"));
                defaulted.add("rope_theta");
            }
            Object type = rp.get("rope_type");
            if (type != null && !"default".equals(type)) {
                Map<Object, Object> scaling = new LinkedHashMap<>(rp);
                scaling.remove("rope_theta");
                known.put("rope_scaling", scaling);
                defaulted.add("rope_scaling");
            }
        }
        for (var d : hfDefaults(known).entrySet()) {
            if (!known.containsKey(d.getKey())) {
                known.put(d.getKey(), d.getValue());
                defaulted.add(d.getKey());
            }
        }
        Set<String> nulls = new java.util.LinkedHashSet<>();
        boolean deepseek = DEEPSEEK_V3.equals(known.get("model_type"));
        for (var e : known.entrySet()) {
            // DeepSeek-V3's meaningful nulls are always written; any other null key is written only if the input had it.
            if (e.getValue() == null && !(deepseek && NULL_MEANINGFUL.contains(e.getKey()))) nulls.add(e.getKey());
        }
        known.put("extras", Map.of("keys", extra, "defaulted", defaulted, "nulls", nulls));
        return JSON.convertValue(known, ModelConfig.class);
    }

    /**
     * transformers' defaults for the optional keys of each family (LlamaConfig, Qwen2Config, DeepseekV3Config), where
     * r1j's record would otherwise read an absent key as 0 or false.
     */
    static Map<String, Object> hfDefaults(Map<String, Object> known) {
        Map<String, Object> d = new LinkedHashMap<>();
        String type = String.valueOf(known.get("model_type"));
        d.put("hidden_act", "silu");
        d.put("rms_norm_eps", 1e-6);
        d.put("rope_theta", 10000.0);
        d.put("initializer_range", 0.02);
        d.put("attention_dropout", 0.0);
        d.put("tie_word_embeddings", false);
        if (known.get("num_attention_heads") != null) d.put("num_key_value_heads", known.get("num_attention_heads"));
        d.put("max_position_embeddings", switch (type) {
            case QWEN2, QWEN3 -> 32768;
            case DEEPSEEK_V3 -> 4096;
            default -> 2048;
        });
        if (LLAMA.equals(type) || QWEN3.equals(type)) d.put("attention_bias", false);
        if (QWEN3.equals(type)) d.put("head_dim", 128);
        return d;
    }

    /**
     * config.json's keys and values: the modelled ones, then the kept ones. Absent-and-defaulted keys are left out, and
     * so are null keys, except those the input gave (as null, or unknown to r1j) and those whose null carries meaning
     * for DeepSeek-V3.
     */
    private Map<String, Object> fileMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> all = JSON.convertValue(this, LinkedHashMap.class);
        all.remove("extras");
        Extras x = extras == null ? Extras.NONE : extras;
        for (String k : x.defaulted()) all.remove(k);
        all.putAll(x.keys());
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : all.entrySet()) {
            boolean given = x.nulls().contains(e.getKey()) || x.keys().containsKey(e.getKey());
            if (e.getValue() != null || given || (isDeepseek() && NULL_MEANINGFUL.contains(e.getKey()))) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** config.json's text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(fileMap()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy that states the dtype its weights are stored in. */
    public ModelConfig withTorchDtype(String dtype) {
        return with("torch_dtype", dtype);
    }

    /** A copy with another vocabulary size (the tokenizer decides it). */
    public ModelConfig withVocabSize(int v) {
        return with("vocab_size", v);
    }

    /** A copy with another number of MTP modules. */
    public ModelConfig withMtp(int layers) {
        return with("num_nextn_predict_layers", layers);
    }

    /** A copy with one config.json key changed (a key set explicitly is no longer a default). */
    private ModelConfig with(String key, Object value) {
        Map<String, Object> m = fileMap();
        m.put(key, value);
        return fromMap(m);
    }

    /**
     * A DeepSeek-V3 config built by its config.json keys, starting from V3's values for what a miniature does not
     * change (sigmoid scoring, noaux_tc, routed_scaling_factor 2.5, …); the shapes are set by name.
     */
    public static Builder deepseekV3() {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("architectures", List.of("DeepseekV3ForCausalLM"));
        k.put("model_type", DEEPSEEK_V3);
        k.put("hidden_act", "silu");
        k.put("rms_norm_eps", 1e-6);
        k.put("rope_theta", 10000.0);
        k.put("tie_word_embeddings", false);
        k.put("attention_bias", false);
        k.put("attention_dropout", 0.0);
        k.put("initializer_range", 0.006);
        k.put("bos_token_id", 0);
        k.put("eos_token_id", 1);
        k.put("torch_dtype", "float32");
        k.put("routed_scaling_factor", 2.5);
        k.put("moe_layer_freq", 1);
        k.put("norm_topk_prob", true);
        k.put("scoring_func", "sigmoid");
        k.put("topk_method", "noaux_tc");
        k.put("seq_aux", true);
        k.put("aux_loss_alpha", 1e-4);
        k.put("num_nextn_predict_layers", 0);
        return new Builder(k);
    }

    /**
     * A dense model in the Llama (no biases), Qwen2 (q/k/v biases) or Qwen3 (per-head q/k norms) layout, built by its
     * config.json keys; the shapes are set by name.
     */
    public static Builder dense(String type) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("architectures", List.of(switch (type) {
            case QWEN2 -> "Qwen2ForCausalLM";
            case QWEN3 -> "Qwen3ForCausalLM";
            default -> "LlamaForCausalLM";
        }));
        k.put("model_type", type);
        k.put("hidden_act", "silu");
        k.put("rms_norm_eps", 1e-6);
        k.put("rope_theta", 10000.0);
        k.put("tie_word_embeddings", false);
        if (!QWEN2.equals(type)) k.put("attention_bias", false);
        k.put("attention_dropout", 0.0);
        k.put("initializer_range", 0.02);
        k.put("bos_token_id", 0);
        k.put("eos_token_id", 1);
        k.put("torch_dtype", "float32");
        return new Builder(k);
    }

    /**
     * A config set key by key, by the config.json names (camelCase here): no argument is placed by position. MLA has
     * as many key/value heads as heads, so for DeepSeek-V3 numAttentionHeads sets both; Qwen3's head_dim is
     * hidden_size / num_attention_heads unless set.
     */
    public static final class Builder {
        private final Map<String, Object> keys;

        private Builder(Map<String, Object> keys) {
            this.keys = keys;
        }

        private Builder put(String key, Object v) {
            keys.put(key, v);
            return this;
        }

        public Builder vocabSize(int v) { return put("vocab_size", v); }
        public Builder hiddenSize(int v) { return put("hidden_size", v); }
        public Builder intermediateSize(int v) { return put("intermediate_size", v); }
        public Builder numHiddenLayers(int v) { return put("num_hidden_layers", v); }
        public Builder numAttentionHeads(int v) {
            if (DEEPSEEK_V3.equals(keys.get("model_type"))) put("num_key_value_heads", v);
            return put("num_attention_heads", v);
        }
        public Builder numKeyValueHeads(int v) { return put("num_key_value_heads", v); }
        public Builder headDim(int v) { return put("head_dim", v); }
        public Builder maxPositionEmbeddings(int v) { return put("max_position_embeddings", v); }
        public Builder tieWordEmbeddings(boolean v) { return put("tie_word_embeddings", v); }
        public Builder ropeTheta(double v) { return put("rope_theta", v); }
        public Builder rmsNormEps(double v) { return put("rms_norm_eps", v); }
        /** MLA's query compression (null: none, queries projected directly). */
        public Builder qLoraRank(Integer v) { return put("q_lora_rank", v); }
        /** MLA's joint key/value compression d_c (DeepSeek-V2 §2.1.2). */
        public Builder kvLoraRank(int v) { return put("kv_lora_rank", v); }
        public Builder qkNopeHeadDim(int v) { return put("qk_nope_head_dim", v); }
        public Builder qkRopeHeadDim(int v) { return put("qk_rope_head_dim", v); }
        public Builder vHeadDim(int v) { return put("v_head_dim", v); }
        public Builder moeIntermediateSize(int v) { return put("moe_intermediate_size", v); }
        public Builder nRoutedExperts(int v) { return put("n_routed_experts", v); }
        public Builder nSharedExperts(int v) { return put("n_shared_experts", v); }
        public Builder numExpertsPerTok(int v) { return put("num_experts_per_tok", v); }
        public Builder nGroup(int v) { return put("n_group", v); }
        public Builder topkGroup(int v) { return put("topk_group", v); }
        public Builder firstKDenseReplace(int v) { return put("first_k_dense_replace", v); }
        public Builder numNextnPredictLayers(int v) { return put("num_nextn_predict_layers", v); }

        /** The config (not validated: {@link ModelConfig#problems()} names what is wrong). */
        public ModelConfig build() {
            Map<String, Object> k = new LinkedHashMap<>(keys);
            if (QWEN3.equals(k.get("model_type")) && !k.containsKey("head_dim") && k.get("hidden_size") instanceof Integer d
                    && k.get("num_attention_heads") instanceof Integer h && h > 0) {
                k.put("head_dim", d / h);
            }
            k.put("extras", Map.of("keys", Map.of(), "defaulted", Set.of(), "nulls", Set.of()));
            // By name, through Jackson: the record's components are these keys.
            return JSON.convertValue(k, ModelConfig.class);
        }
    }
}
