package r1j.model;

import java.util.Map;
import jdk.incubator.vector.FloatVector;
import r1j.nn.Attention;
import r1j.nn.RMSNorm;
import r1j.nn.Rope;
import r1j.nn.RopeTable;
import r1j.tensor.Gemm;
import r1j.tensor.MatMul;
import r1j.tensor.Parallel;
import r1j.tensor.Rows;
import r1j.tensor.Tensor;

/**
 * Multi-head Latent Attention (DeepSeek-V2 §2.1; docs/deepseek-v3.md §4.2): queries through an optional low-rank
 * bottleneck, keys and values expanded from a compressed latent c (kv_lora_rank) plus one RoPE key shared by all
 * heads. Training uses the naive form (k and v materialised per head); inference uses the absorbed form (§4.7),
 * caching only the normalised latent and the roped shared key per token.
 */
final class Mla implements AttentionLayer {
    /** q_a_layernorm and kv_a_layernorm use 1e-6 whatever rms_norm_eps says (HF constructs them without eps). */
    private static final float LATENT_EPS = 1e-6f;

    private final int h, dn, dr, dv, r;
    private final float scale;
    private final RopeTable rope;
    private final Tensor qA, qANorm, qB, q, kvA, kvANorm, kvB, o;
    private final int[] kCols, vCols;

    Mla(ModelConfig c, Map<String, Tensor> p, String prefix, RopeTable rope) {
        h = c.num_attention_heads();
        dn = c.qk_nope_head_dim();
        dr = c.qk_rope_head_dim();
        dv = c.v_head_dim();
        r = c.kv_lora_rank();
        scale = c.softmaxScale();
        this.rope = rope;
        String a = prefix + "self_attn.";
        qA = c.usesQLora() ? Weights.get(p, a + "q_a_proj.weight") : null;
        qANorm = c.usesQLora() ? Weights.get(p, a + "q_a_layernorm.weight") : null;
        qB = c.usesQLora() ? Weights.get(p, a + "q_b_proj.weight") : null;
        q = c.usesQLora() ? null : Weights.get(p, a + "q_proj.weight");
        kvA = Weights.get(p, a + "kv_a_proj_with_mqa.weight");
        kvANorm = Weights.get(p, a + "kv_a_layernorm.weight");
        kvB = Weights.get(p, a + "kv_b_proj.weight");
        o = Weights.get(p, a + "o_proj.weight");
        // Per head: k = [k_nope(h) ; k_rope] from [kv | k_rope]; v = v(h) from kv. Rows of kv_b are head-major.
        int kvw = dn + dv;
        kCols = new int[h * (dn + dr)];
        vCols = new int[h * dv];
        for (int hh = 0; hh < h; hh++) {
            for (int j = 0; j < dn; j++) kCols[hh * (dn + dr) + j] = hh * kvw + j;
            for (int j = 0; j < dr; j++) kCols[hh * (dn + dr) + dn + j] = h * kvw + j;
            for (int j = 0; j < dv; j++) vCols[hh * dv + j] = hh * kvw + dn + j;
        }
    }

    /** q [n, H·(dn+dr)] with RoPE on each head's last dr columns (interleaved pairs, as stored). */
    private Tensor query(Tensor x, int[] pos) {
        Tensor qq = qA != null
                ? MatMul.linear(RMSNorm.apply(MatMul.linear(x, qA), qANorm, LATENT_EPS), qB)
                : MatMul.linear(x, q);
        return Rope.apply(qq, pos, h, dn + dr, dn, rope, true);
    }

    @Override
    public Tensor forward(Tensor x, int[] pos, int prefix, int batch, int seq) {
        Tensor qq = query(x, pos);
        Tensor ckv = MatMul.linear(x, kvA);
        Tensor latent = RMSNorm.apply(Rows.sliceCols(ckv, 0, r), kvANorm, LATENT_EPS);
        Tensor kRope = Rope.apply(Rows.sliceCols(ckv, r, r + dr), pos, 1, dr, 0, rope, true);
        Tensor kv = MatMul.linear(latent, kvB);
        Tensor k = Rows.selectCols(Rows.concatCols(kv, kRope), kCols);
        Tensor v = Rows.selectCols(kv, vCols);
        return MatMul.linear(Attention.causal(qq, k, v, new Attention.Shape(prefix, batch, seq, h, h, scale)), o);
    }

    @Override
    public int cacheWidthA() {
        return r;
    }

    @Override
    public int cacheWidthB() {
        return dr;
    }

    /**
     * The absorbed form: q_nope·k_nope = (W_UKᵀ q_nope)·c and o = W_UV (Σ p c), so scores and outputs are taken in
     * the latent space against the cached c, and per-head keys and values never exist.
     */
    @Override
    public Tensor extend(Tensor x, int layer, CachedRows rows) {
        int n = rows.size(), dqk = dn + dr, kvw = dn + dv;
        Tensor qq = query(x, rows.pos());
        Tensor ckv = MatMul.linear(x, kvA);
        Tensor latent = RMSNorm.apply(Rows.sliceCols(ckv, 0, r), kvANorm, LATENT_EPS);
        Tensor kRope = Rope.apply(Rows.sliceCols(ckv, r, r + dr), rows.pos(), 1, dr, 0, rope, true);
        for (int i = 0; i < n; i++) rows.cache()[i].put(layer, rows.pos()[i], latent.data, i * r, kRope.data, i * dr);
        float[] qLat = new float[n * h * r];
        for (int hh = 0; hh < h; hh++) {
            // q_lat[:, h] = q_nope[:, h] · W_UK[h], W_UK[h] = kv_b rows [h·kvw, h·kvw + dn) as [dn, r]
            Gemm.gemm(n, r, dn, Gemm.Operand.of(qq.data, hh * dqk, h * dqk), Gemm.Operand.of(kvB.data, hh * kvw * r, r),
                    Gemm.Operand.of(qLat, hh * r, h * r), false);
        }
        float[] oLat = new float[n * h * r];
        int maxLen = rows.maxPos() + 1;
        // All heads read the same latent cache: four heads per pass over it when r is a multiple of the vector width.
        int quad = r % FloatVector.SPECIES_PREFERRED.length() == 0 ? 4 : 1;
        int groups = (h + quad - 1) / quad;
        Parallel.range(n * groups, 1, (ch, lo, hi) -> {
            float[] s = new float[4 * maxLen];
            for (int task = lo; task < hi; task++) {
                int i = task / groups, h0 = (task % groups) * quad, nh = Math.min(quad, h - h0);
                KvCache cache = rows.cache()[i];
                int len = rows.pos()[i] + 1, cap = cache.capacity();
                java.util.Arrays.fill(s, 0f);
                // score_j = q_lat·c_j + q_rope·k_rope_j, then the softmax, then o_lat = Σ_j p_j c_j
                if (nh == 4) {
                    CachedAttention.Strided scores = new CachedAttention.Strided(s, 0, maxLen);
                    CachedAttention.addScores4(new CachedAttention.Strided(qLat, (i * h + h0) * r, r), r,
                            new CachedAttention.ByFeature(cache.aByFeature(layer), 0, cap), len, scores);
                    CachedAttention.addScores4(new CachedAttention.Strided(qq.data, i * h * dqk + h0 * dqk + dn, dqk), dr,
                            new CachedAttention.ByFeature(cache.bByFeature(layer), 0, cap), len, scores);
                    for (int k = 0; k < 4; k++) CachedAttention.softmax(s, k * maxLen, len, scale);
                    CachedAttention.weightedRows4(scores, len, cache.a(layer), r, r, new CachedAttention.Strided(oLat, (i * h + h0) * r, r));
                } else {
                    for (int hh = h0; hh < h0 + nh; hh++) {
                        java.util.Arrays.fill(s, 0, len, 0f);
                        CachedAttention.addScores(new CachedAttention.Strided(qLat, (i * h + hh) * r, r), r,
                                new CachedAttention.ByFeature(cache.aByFeature(layer), 0, cap), len, s);
                        CachedAttention.addScores(new CachedAttention.Strided(qq.data, i * h * dqk + hh * dqk + dn, dqk), dr,
                                new CachedAttention.ByFeature(cache.bByFeature(layer), 0, cap), len, s);
                        CachedAttention.softmax(s, 0, len, scale);
                        CachedAttention.weightedRows(s, len, new CachedAttention.ByToken(cache.a(layer), r, 0), r, oLat, (i * h + hh) * r);
                    }
                }
            }
        });
        Tensor heads = Tensor.zeros(n, h * dv);
        for (int hh = 0; hh < h; hh++) {
            // o[:, h] = o_lat[:, h] · W_UV[h]ᵀ, W_UV[h] = kv_b rows [h·kvw + dn, (h+1)·kvw) as [dv, r]
            Gemm.gemm(n, dv, r, Gemm.Operand.of(oLat, hh * r, h * r),
                    Gemm.Operand.transposed(kvB.data, (hh * kvw + dn) * r, r),
                    Gemm.Operand.of(heads.data, hh * dv, h * dv), false);
        }
        return MatMul.linear(heads, o);
    }
}
