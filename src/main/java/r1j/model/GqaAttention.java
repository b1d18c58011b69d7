package r1j.model;

import java.util.Map;
import r1j.nn.Attention;
import r1j.nn.RMSNorm;
import r1j.nn.Rope;
import r1j.nn.RopeTable;
import r1j.tensor.Elementwise;
import r1j.tensor.MatMul;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/**
 * Grouped-query attention of the dense models (Llama; Qwen2 adds q/k/v biases; Qwen3 RMS-normalises each head of q
 * and k with q_norm/k_norm before RoPE): half-split RoPE on q and k, num_key_value_heads shared key/value heads.
 * The cache holds the roped K and V rows.
 */
final class GqaAttention implements AttentionLayer {
    private final int h, kvh, hd;
    private final float scale, eps;
    private final RopeTable rope;
    private final Tensor wq, wk, wv, wo, bq, bk, bv, qNorm, kNorm;

    GqaAttention(ModelConfig c, Map<String, Tensor> p, String prefix, RopeTable rope) {
        h = c.num_attention_heads();
        kvh = c.num_key_value_heads();
        hd = c.denseHeadDim();
        scale = c.softmaxScale();
        this.rope = rope;
        String a = prefix + "self_attn.";
        wq = Weights.get(p, a + "q_proj.weight");
        wk = Weights.get(p, a + "k_proj.weight");
        wv = Weights.get(p, a + "v_proj.weight");
        wo = Weights.get(p, a + "o_proj.weight");
        bq = c.qkvBias() ? Weights.get(p, a + "q_proj.bias") : null;
        bk = c.qkvBias() ? Weights.get(p, a + "k_proj.bias") : null;
        bv = c.qkvBias() ? Weights.get(p, a + "v_proj.bias") : null;
        qNorm = c.qkNorm() ? Weights.get(p, a + "q_norm.weight") : null;
        kNorm = c.qkNorm() ? Weights.get(p, a + "k_norm.weight") : null;
        eps = (float) c.rms_norm_eps();
    }

    /** The projection's heads, each RMS-normalised over its hd features when the model has the norm (Qwen3). */
    private Tensor heads(Tensor x, Tensor w, Tensor b, Tensor norm, int n) {
        Tensor y = project(x, w, b);
        if (norm == null) return y;
        int rows = y.rows();
        return RMSNorm.apply(y.reshape(rows * n, hd), norm, eps).reshape(rows, n * hd);
    }

    private static Tensor project(Tensor x, Tensor w, Tensor b) {
        Tensor y = MatMul.linear(x, w);
        return b == null ? y : Elementwise.add(y, b);
    }

    @Override
    public Tensor forward(Tensor x, int[] pos, int prefix, int batch, int seq) {
        Tensor q = Rope.apply(heads(x, wq, bq, qNorm, h), pos, h, hd, 0, rope, false);
        Tensor k = Rope.apply(heads(x, wk, bk, kNorm, kvh), pos, kvh, hd, 0, rope, false);
        Tensor v = project(x, wv, bv);
        return MatMul.linear(Attention.causal(q, k, v, new Attention.Shape(prefix, batch, seq, h, kvh, scale)), wo);
    }

    @Override
    public int cacheWidthA() {
        return kvh * hd;
    }

    @Override
    public int cacheWidthB() {
        return kvh * hd;
    }

    @Override
    public Tensor extend(Tensor x, int layer, CachedRows rows) {
        int n = rows.size(), kw = kvh * hd, group = h / kvh;
        Tensor q = Rope.apply(heads(x, wq, bq, qNorm, h), rows.pos(), h, hd, 0, rope, false);
        Tensor k = Rope.apply(heads(x, wk, bk, kNorm, kvh), rows.pos(), kvh, hd, 0, rope, false);
        Tensor v = project(x, wv, bv);
        for (int i = 0; i < n; i++) rows.cache()[i].put(layer, rows.pos()[i], k.data, i * kw, v.data, i * kw);
        Tensor out = Tensor.zeros(n, h * hd);
        int maxLen = rows.maxPos() + 1;
        Parallel.range(n * h, 1, (ch, lo, hi) -> {
            float[] s = new float[maxLen];
            for (int task = lo; task < hi; task++) {
                int i = task / h, hh = task % h, g = hh / group;
                KvCache cache = rows.cache()[i];
                int len = rows.pos()[i] + 1;
                java.util.Arrays.fill(s, 0, len, 0f);
                CachedAttention.addScores(new CachedAttention.Strided(q.data, i * h * hd + hh * hd, hd), hd,
                        new CachedAttention.ByFeature(cache.aByFeature(layer), g * hd, cache.capacity()), len, s);
                CachedAttention.softmax(s, 0, len, scale);
                CachedAttention.weightedRows(s, len, new CachedAttention.ByToken(cache.b(layer), kw, g * hd), hd, out.data, i * h * hd + hh * hd);
            }
        });
        return MatMul.linear(out, wo);
    }
}
