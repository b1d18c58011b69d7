package r1j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter's settings, named as PEFT's adapter_config.json names them: rank {@code r}, {@code lora_alpha},
 * {@code lora_dropout}, {@code target_modules} (module names matched as PEFT matches a list: the name itself or its
 * last dotted parts; "all-linear" for every projection) and {@code use_rslora} (scale α/√r instead of α/r).
 */
public record LoraConfig(int r, double lora_alpha, double lora_dropout, List<String> target_modules, boolean use_rslora) implements java.io.Serializable {
    public static final String FILE = "adapter_config.json";

    public LoraConfig {
        if (r < 1) throw new IllegalArgumentException("LoRA rank r must be ≥ 1, not " + r);
        if (!(lora_dropout >= 0 && lora_dropout < 1)) throw new IllegalArgumentException("lora_dropout must be in [0, 1), not " + lora_dropout);
        if (target_modules == null || target_modules.isEmpty()) throw new IllegalArgumentException("LoRA needs target_modules");
        target_modules = List.copyOf(target_modules);
    }

    /** PEFT's usual choice for causal LMs: the attention projections, r 16, α 32, dropout 0.05. */
    public static LoraConfig defaults() {
        return new LoraConfig(16, 32, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj"), false);
    }

    public float scale() {
        return (float) (use_rslora ? lora_alpha / Math.sqrt(r) : lora_alpha / r);
    }

    /** Whether a weight (a Hugging Face parameter name ending in ".weight") is adapted. */
    public boolean targets(String weightName) {
        if (!weightName.endsWith(".weight")) return false;
        String module = weightName.substring(0, weightName.length() - ".weight".length());
        if (target_modules.contains("all-linear")) {
            return module.endsWith("_proj") && !module.endsWith("kv_b_proj") && !module.startsWith("lm_head");
        }
        for (String t : target_modules) if (module.equals(t) || module.endsWith("." + t)) return true;
        return false;
    }

    /** adapter_config.json as PEFT writes it (the keys it reads back; the rest at PEFT's defaults). */
    public Map<String, Object> toJson(String baseModel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peft_type", "LORA");
        m.put("task_type", "CAUSAL_LM");
        m.put("base_model_name_or_path", baseModel);
        m.put("r", r);
        m.put("lora_alpha", lora_alpha);
        m.put("lora_dropout", lora_dropout);
        m.put("target_modules", target_modules);
        m.put("use_rslora", use_rslora);
        m.put("bias", "none");
        m.put("fan_in_fan_out", false);
        m.put("init_lora_weights", true);
        m.put("inference_mode", true);
        m.put("modules_to_save", null);
        m.put("layers_to_transform", null);
        m.put("rank_pattern", Map.of());
        m.put("alpha_pattern", Map.of());
        m.put("use_dora", false);
        return m;
    }

    /** Reads adapter_config.json, refusing what r1j does not implement (DoRA, biases, per-layer ranks) in one line. */
    public static LoraConfig read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(dir + ": no " + FILE + " (not a PEFT LoRA adapter)");
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!"LORA".equals(n.path("peft_type").asText("LORA"))) throw new IllegalArgumentException(file + ": peft_type " + n.get("peft_type") + " is not LORA");
        if (n.path("use_dora").asBoolean(false)) throw new IllegalArgumentException(file + ": use_dora (DoRA) is not supported");
        if (!"none".equals(n.path("bias").asText("none"))) throw new IllegalArgumentException(file + ": bias " + n.get("bias") + " is not supported (only \"none\")");
        if (n.path("fan_in_fan_out").asBoolean(false)) throw new IllegalArgumentException(file + ": fan_in_fan_out is not supported");
        for (String k : List.of("rank_pattern", "alpha_pattern")) {
            if (n.path(k).isObject() && !n.get(k).isEmpty()) throw new IllegalArgumentException(file + ": " + k + " is not supported");
        }
        if (n.path("modules_to_save").isArray() && !n.get("modules_to_save").isEmpty()) {
            throw new IllegalArgumentException(file + ": modules_to_save is not supported");
        }
        JsonNode t = n.get("target_modules");
        List<String> targets = new ArrayList<>();
        if (t != null && t.isTextual()) targets.add(t.asText());
        else if (t != null && t.isArray()) t.forEach(x -> targets.add(x.asText()));
        else throw new IllegalArgumentException(file + ": target_modules must be a string or a list");
        if (!n.path("r").isInt()) throw new IllegalArgumentException(file + ": r must be an integer");
        return new LoraConfig(n.get("r").asInt(), n.path("lora_alpha").asDouble(8), n.path("lora_dropout").asDouble(0),
                targets, n.path("use_rslora").asBoolean(false));
    }
}
