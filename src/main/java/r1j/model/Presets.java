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
        ALL.put("nano", ModelConfig.deepseekV3().vocabSize(256).hiddenSize(32).numHiddenLayers(2).numAttentionHeads(2)
                .qLoraRank(16).kvLoraRank(16).qkNopeHeadDim(8).qkRopeHeadDim(4).vHeadDim(8).intermediateSize(64)
                .moeIntermediateSize(16).nRoutedExperts(8).nSharedExperts(1).numExpertsPerTok(2)
                .nGroup(4).topkGroup(2).firstKDenseReplace(1).maxPositionEmbeddings(512).build());
        ALL.put("tiny", ModelConfig.deepseekV3().vocabSize(1024).hiddenSize(128).numHiddenLayers(4).numAttentionHeads(4)
                .qLoraRank(64).kvLoraRank(64).qkNopeHeadDim(32).qkRopeHeadDim(16).vHeadDim(32).intermediateSize(384)
                .moeIntermediateSize(96).nRoutedExperts(8).nSharedExperts(1).numExpertsPerTok(2)
                .nGroup(4).topkGroup(2).firstKDenseReplace(1).maxPositionEmbeddings(1024).build());
        // Dense students (Qwen2 layout, tied embeddings). tiny-student has half of tiny's active parameters (505 K of
        // 1.0 M): at a quarter (width 64) its distillation reached 79 % against its teacher's 96 %, the long checking
        // replies of level 4–5 being beyond it; at width 96, on the same teacher data, 90 % (docs/results.md, issue 20).
        ALL.put("nano-student", ModelConfig.dense(ModelConfig.QWEN2).vocabSize(256).hiddenSize(16).numHiddenLayers(2).numAttentionHeads(2)
                .numKeyValueHeads(1).intermediateSize(48).maxPositionEmbeddings(512).tieWordEmbeddings(true).build());
        ALL.put("tiny-student", ModelConfig.dense(ModelConfig.QWEN2).vocabSize(1024).hiddenSize(96).numHiddenLayers(4).numAttentionHeads(4)
                .numKeyValueHeads(2).intermediateSize(256).maxPositionEmbeddings(1024).tieWordEmbeddings(true).build());
        ALL.put("small", ModelConfig.deepseekV3().vocabSize(4096).hiddenSize(384).numHiddenLayers(8).numAttentionHeads(6)
                .qLoraRank(192).kvLoraRank(128).qkNopeHeadDim(48).qkRopeHeadDim(16).vHeadDim(48).intermediateSize(1024)
                .moeIntermediateSize(256).nRoutedExperts(16).nSharedExperts(1).numExpertsPerTok(2)
                .nGroup(4).topkGroup(2).firstKDenseReplace(1).maxPositionEmbeddings(2048).build());
    }

    public static ModelConfig get(String name) {
        ModelConfig c = ALL.get(name);
        if (c == null) throw new IllegalArgumentException("unknown preset '" + name + "' (one of " + ALL.keySet() + ")");
        return c;
    }
}
