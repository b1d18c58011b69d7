package r1j.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face tensor names and shapes a config implies (docs/deepseek-v3.md §2): the one list that
 * initialisation, loading and saving all follow.
 */
public final class ParameterShapes {
    private ParameterShapes() {}

    /** Trainable tensors and buffers, in checkpoint order; MTP copies of the embedding and head are not included. */
    public static Map<String, int[]> of(ModelConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int d = c.hidden_size(), v = c.vocab_size();
        m.put("model.embed_tokens.weight", new int[] {v, d});
        for (int l = 0; l < c.num_hidden_layers(); l++) layer(m, c, l);
        for (int k = 0; k < c.mtpLayers(); k++) {
            String p = "model.layers." + (c.num_hidden_layers() + k) + ".";
            m.put(p + "enorm.weight", new int[] {d});
            m.put(p + "hnorm.weight", new int[] {d});
            m.put(p + "eh_proj.weight", new int[] {d, 2 * d});
            layer(m, c, c.num_hidden_layers() + k);
            m.put(p + "shared_head.norm.weight", new int[] {d});
        }
        m.put("model.norm.weight", new int[] {d});
        if (!c.tie_word_embeddings()) m.put("lm_head.weight", new int[] {v, d});
        return m;
    }

    /** Names under which the MTP modules store copies of the shared embedding and head (§2.5), with their sources. */
    public static Map<String, String> mtpCopies(ModelConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k < c.mtpLayers(); k++) {
            String p = "model.layers." + (c.num_hidden_layers() + k) + ".";
            m.put(p + "embed_tokens.weight", "model.embed_tokens.weight");
            m.put(p + "shared_head.head.weight", c.tie_word_embeddings() ? "model.embed_tokens.weight" : "lm_head.weight");
        }
        return m;
    }

    private static void layer(Map<String, int[]> m, ModelConfig c, int l) {
        String p = "model.layers." + l + ".";
        int d = c.hidden_size();
        m.put(p + "input_layernorm.weight", new int[] {d});
        if (c.isDeepseek()) {
            int h = c.num_attention_heads(), dqk = c.qkHeadDim(), r = c.kv_lora_rank(), dr = c.qk_rope_head_dim();
            if (c.usesQLora()) {
                m.put(p + "self_attn.q_a_proj.weight", new int[] {c.q_lora_rank(), d});
                m.put(p + "self_attn.q_a_layernorm.weight", new int[] {c.q_lora_rank()});
                m.put(p + "self_attn.q_b_proj.weight", new int[] {h * dqk, c.q_lora_rank()});
            } else {
                m.put(p + "self_attn.q_proj.weight", new int[] {h * dqk, d});
            }
            m.put(p + "self_attn.kv_a_proj_with_mqa.weight", new int[] {r + dr, d});
            m.put(p + "self_attn.kv_a_layernorm.weight", new int[] {r});
            m.put(p + "self_attn.kv_b_proj.weight", new int[] {h * (c.qk_nope_head_dim() + c.v_head_dim()), r});
            m.put(p + "self_attn.o_proj.weight", new int[] {d, h * c.v_head_dim()});
        } else {
            int hd = c.denseHeadDim(), q = c.num_attention_heads() * hd, kv = c.num_key_value_heads() * hd;
            m.put(p + "self_attn.q_proj.weight", new int[] {q, d});
            m.put(p + "self_attn.k_proj.weight", new int[] {kv, d});
            m.put(p + "self_attn.v_proj.weight", new int[] {kv, d});
            if (c.qkvBias()) {
                m.put(p + "self_attn.q_proj.bias", new int[] {q});
                m.put(p + "self_attn.k_proj.bias", new int[] {kv});
                m.put(p + "self_attn.v_proj.bias", new int[] {kv});
            }
            if (c.qkNorm()) {
                m.put(p + "self_attn.q_norm.weight", new int[] {hd});
                m.put(p + "self_attn.k_norm.weight", new int[] {hd});
            }
            m.put(p + "self_attn.o_proj.weight", new int[] {d, q});
        }
        m.put(p + "post_attention_layernorm.weight", new int[] {d});
        if (c.isMoeLayer(l)) {
            int e = c.n_routed_experts(), mi = c.moe_intermediate_size();
            m.put(p + "mlp.gate.weight", new int[] {e, d});
            m.put(p + "mlp.gate.e_score_correction_bias", new int[] {e});
            for (int x = 0; x < e; x++) mlp(m, p + "mlp.experts." + x + ".", d, mi);
            if (c.n_shared_experts() > 0) mlp(m, p + "mlp.shared_experts.", d, c.n_shared_experts() * mi);
        } else {
            mlp(m, p + "mlp.", d, c.intermediate_size());
        }
    }

    private static void mlp(Map<String, int[]> m, String p, int d, int width) {
        m.put(p + "gate_proj.weight", new int[] {width, d});
        m.put(p + "up_proj.weight", new int[] {width, d});
        m.put(p + "down_proj.weight", new int[] {d, width});
    }

    /** Tensors that are state but not trained by gradient (the router's correction bias, §5.1). */
    public static boolean isBuffer(String name) {
        return name.endsWith("e_score_correction_bias");
    }

    /**
     * Weights that a frozen model may keep in 16 bits: those read only through a linear layer or the embedding
     * lookup (MLA's kv_b_proj is also sliced per head by the cached decoder, and the router stays float32).
     */
    public static boolean isCompactable(String name) {
        return name.endsWith("_proj.weight") && !name.endsWith("kv_b_proj.weight")
                || name.equals("model.embed_tokens.weight") || name.equals("lm_head.weight");
    }

    /** RMSNorm weights start at 1; biases and buffers at 0; everything else N(0, initializer_range²). */
    public static float initialValue(String name) {
        if (name.endsWith("norm.weight")) return 1f;
        return 0f;
    }

    public static boolean isRandomInit(String name) {
        return !name.endsWith("norm.weight") && !name.endsWith(".bias") && !isBuffer(name);
    }
}
