package r1j.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model sizes for a 2-core CPU. The teachers are DeepSeek-V3 in miniature: MLA with a compressed query, one dense layer then
 * DeepSeekMoE layers of 8–16 routed experts (top-2 of 2 groups out of 4) plus a shared expert, no MTP.
 * <ul>
 *   <li>{@code nano}: trains in seconds; for tests and CI;</li>
 *   <li>{@code tiny}: the default recipe's base;</li>
 *   <li>{@code small}: tens of millions of parameters;</li>
 *   <li>{@code nano-student}, {@code tiny-student}: dense Qwen2-layout students for distillation, a quarter and a half of
 *       the active parameters of nano and tiny.</li>
 * </ul>
 * The vocabulary size here is a placeholder that the tokenizer replaces.
 */
public final class Presets {
    private Presets() {}

    public static final Map<String, ModelConfig> ALL = new LinkedHashMap<>();

    static {
        ALL.put("nano", ModelConfig.deepseekV3(256, 32, 2, 2, 16, 16, 8, 4, 8, 64, 16, 8, 1, 2, 4, 2, 1, 512));
        ALL.put("tiny", ModelConfig.deepseekV3(1024, 128, 4, 4, 64, 64, 32, 16, 32, 384, 96, 8, 1, 2, 4, 2, 1, 1024));
        // Dense students (Qwen2 layout, tied embeddings). tiny-student has half of tiny's active parameters (505 K of
        // 1.0 M): at a quarter (width 64) its distillation reached 79 % against its teacher's 96 %, the long checking
        // replies of level 4–5 being beyond it; at width 96, on the same teacher data, 90 % (docs/results.md, issue 20).
        ALL.put("nano-student", ModelConfig.dense(ModelConfig.QWEN2, 256, 16, 2, 2, 1, 48, 512, true));
        ALL.put("tiny-student", ModelConfig.dense(ModelConfig.QWEN2, 1024, 96, 4, 4, 2, 256, 1024, true));
        ALL.put("small", ModelConfig.deepseekV3(4096, 384, 8, 6, 192, 128, 48, 16, 48, 1024, 256, 16, 1, 2, 4, 2, 1, 2048));
    }

    public static ModelConfig get(String name) {
        ModelConfig c = ALL.get(name);
        if (c == null) throw new IllegalArgumentException("unknown preset '" + name + "' (one of " + ALL.keySet() + ")");
        return c;
    }
}
