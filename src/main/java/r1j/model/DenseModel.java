package r1j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.nn.Attention;
import r1j.nn.CrossEntropy;
import r1j.nn.Embedding;
import r1j.nn.RMSNorm;
import r1j.nn.Rope;
import r1j.nn.RopeTable;
import r1j.tensor.Elementwise;
import r1j.tensor.Init;
import r1j.tensor.MatMul;
import r1j.tensor.Tensor;

/**
 * A dense pre-norm decoder in the Llama layout: RMSNorm, causal attention with half-split RoPE (grouped-query when
 * num_key_value_heads &lt; heads), SwiGLU MLP, untied head, no biases. The parameters are a plain map whose keys
 * are exactly the Hugging Face names.
 */
public final class DenseModel {
    private final DenseConfig cfg;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final RopeTable rope;

    public DenseModel(DenseConfig cfg, long seed) {
        this.cfg = cfg;
        SplittableRandom rng = new SplittableRandom(seed);
        int d = cfg.hidden_size(), hd = cfg.headDim(), kv = cfg.num_key_value_heads() * hd, ff = cfg.intermediate_size();
        float std = cfg.initializer_range();
        matrix("model.embed_tokens.weight", std, rng, cfg.vocab_size(), d);
        for (int l = 0; l < cfg.num_hidden_layers(); l++) {
            String p = "model.layers." + l + ".";
            ones(p + "input_layernorm.weight", d);
            matrix(p + "self_attn.q_proj.weight", std, rng, d, d);
            matrix(p + "self_attn.k_proj.weight", std, rng, kv, d);
            matrix(p + "self_attn.v_proj.weight", std, rng, kv, d);
            matrix(p + "self_attn.o_proj.weight", std, rng, d, d);
            ones(p + "post_attention_layernorm.weight", d);
            matrix(p + "mlp.gate_proj.weight", std, rng, ff, d);
            matrix(p + "mlp.up_proj.weight", std, rng, ff, d);
            matrix(p + "mlp.down_proj.weight", std, rng, d, ff);
        }
        ones("model.norm.weight", d);
        matrix("lm_head.weight", std, rng, cfg.vocab_size(), d);
        rope = RopeTable.standard(hd, cfg.rope_theta());
    }

    private void matrix(String name, float std, SplittableRandom rng, int rows, int cols) {
        Tensor t = Tensor.param(name, rows, cols);
        Init.normal(t.data, std, rng);
        params.put(name, t);
    }

    private void ones(String name, int n) {
        Tensor t = Tensor.param(name, n);
        Init.fill(t.data, 1f);
        params.put(name, t);
    }

    public DenseConfig config() {
        return cfg;
    }

    public Map<String, Tensor> parameters() {
        return params;
    }

    public List<Tensor> parameterList() {
        return new ArrayList<>(params.values());
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : params.values()) n += t.numel();
        return n;
    }

    private Tensor p(String name) {
        return params.get(name);
    }

    /** Logits [batch·seq, vocab] for ids laid out as batch rows of seq tokens. */
    public Tensor forward(int[] ids, int batch, int seq) {
        int h = cfg.num_attention_heads(), kvh = cfg.num_key_value_heads(), hd = cfg.headDim();
        int[] pos = new int[ids.length];
        for (int i = 0; i < ids.length; i++) pos[i] = i % seq;
        float eps = cfg.rms_norm_eps();
        float scale = (float) (1.0 / Math.sqrt(hd));
        Tensor x = Embedding.lookup(p("model.embed_tokens.weight"), ids);
        for (int l = 0; l < cfg.num_hidden_layers(); l++) {
            String pre = "model.layers." + l + ".";
            Tensor a = RMSNorm.apply(x, p(pre + "input_layernorm.weight"), eps);
            Tensor q = Rope.apply(MatMul.linear(a, p(pre + "self_attn.q_proj.weight")), pos, h, hd, 0, rope, false);
            Tensor k = Rope.apply(MatMul.linear(a, p(pre + "self_attn.k_proj.weight")), pos, kvh, hd, 0, rope, false);
            Tensor v = MatMul.linear(a, p(pre + "self_attn.v_proj.weight"));
            Tensor att = Attention.causal(q, k, v, batch, seq, h, kvh, scale);
            x = Elementwise.add(x, MatMul.linear(att, p(pre + "self_attn.o_proj.weight")));
            Tensor m = RMSNorm.apply(x, p(pre + "post_attention_layernorm.weight"), eps);
            Tensor ff = Elementwise.swiglu(MatMul.linear(m, p(pre + "mlp.gate_proj.weight")),
                    MatMul.linear(m, p(pre + "mlp.up_proj.weight")));
            x = Elementwise.add(x, MatMul.linear(ff, p(pre + "mlp.down_proj.weight")));
        }
        x = RMSNorm.apply(x, p("model.norm.weight"), eps);
        return MatMul.linear(x, p("lm_head.weight"));
    }

    /** Mean next-token cross-entropy; targets[i] &lt; 0 is ignored. */
    public CrossEntropy.Result loss(int[] ids, int[] targets, int batch, int seq) {
        return CrossEntropy.apply(forward(ids, batch, seq), targets);
    }
}
