package r1j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.nn.CrossEntropy;
import r1j.nn.Embedding;
import r1j.nn.RMSNorm;
import r1j.nn.RopeTable;
import r1j.tensor.Elementwise;
import r1j.tensor.Grad;
import r1j.tensor.Init;
import r1j.tensor.MatMul;
import r1j.tensor.Rows;
import r1j.tensor.Tensor;

/**
 * The decoder: DeepSeek-V3 (MLA attention, dense then DeepSeekMoE feed-forwards, optional multi-token prediction)
 * or a dense Llama/Qwen2 student, chosen by {@code model_type}. Pre-norm residual blocks (docs/deepseek-v3.md §3):
 * h += Attn(RMSNorm(h)); h += FFN(RMSNorm(h)); logits = RMSNorm(h)·lm_headᵀ.
 *
 * <p>The parameters are a plain map whose keys are exactly the Hugging Face names ({@link ParameterShapes}), so
 * a checkpoint loads and saves without translation.
 */
public final class Transformer implements LanguageModel {
    private final ModelConfig cfg;
    private final Map<String, Tensor> params;
    private final List<Block> blocks = new ArrayList<>();
    private final List<MtpModule> mtp = new ArrayList<>();
    private final Tensor embed, norm, head;
    /** A LoRA adapter attached to this model's weights, or null. */
    private Lora lora;
    /** Whether training forwards recompute each dense decoder layer in the backward instead of keeping its activations. */
    private boolean gradientCheckpointing;

    /** One decoder layer: attention, then a dense MLP or an MoE. */
    private record Block(Tensor inNorm, AttentionLayer attn, Tensor postNorm, Mlp mlp, MoE moe) {}

    /** A multi-token-prediction module (V3 §2.2; docs/deepseek-v3.md §5.3). */
    private record MtpModule(Tensor enorm, Tensor hnorm, Tensor ehProj, Block block, Tensor headNorm) {}

    private Transformer(ModelConfig cfg, Map<String, Tensor> params) {
        this.cfg = cfg.validated("model config");
        this.params = params;
        Map<String, int[]> shapes = ParameterShapes.of(cfg);
        for (var e : shapes.entrySet()) {
            Tensor t = params.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("missing tensor '" + e.getKey() + "'");
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + " but the config implies " + Arrays.toString(e.getValue()));
            }
        }
        RopeTable rope = RopeFrequencies.table(cfg);
        for (int l = 0; l < cfg.num_hidden_layers(); l++) blocks.add(block(l, rope));
        for (int k = 0; k < cfg.mtpLayers(); k++) {
            int l = cfg.num_hidden_layers() + k;
            String p = "model.layers." + l + ".";
            mtp.add(new MtpModule(params.get(p + "enorm.weight"), params.get(p + "hnorm.weight"),
                    params.get(p + "eh_proj.weight"), block(l, rope), params.get(p + "shared_head.norm.weight")));
        }
        embed = params.get("model.embed_tokens.weight");
        norm = params.get("model.norm.weight");
        head = cfg.tie_word_embeddings() ? embed : params.get("lm_head.weight");
    }

    private Block block(int l, RopeTable rope) {
        String p = "model.layers." + l + ".";
        AttentionLayer attn = cfg.isDeepseek() ? new Mla(cfg, params, p, rope) : new GqaAttention(cfg, params, p, rope);
        boolean moe = cfg.isMoeLayer(l);
        return new Block(params.get(p + "input_layernorm.weight"), attn, params.get(p + "post_attention_layernorm.weight"),
                moe ? null : new Mlp(params, p + "mlp."), moe ? new MoE(cfg, params, p) : null);
    }

    /** A freshly initialised model: N(0, initializer_range²) weights, norms 1, biases and router biases 0. */
    public static Transformer init(ModelConfig cfg, long seed) {
        cfg.validated("model config");
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (var e : ParameterShapes.of(cfg).entrySet()) {
            String name = e.getKey();
            Tensor t = ParameterShapes.isBuffer(name) ? Tensor.of(new float[size(e.getValue())], e.getValue())
                    : Tensor.param(name, e.getValue());
            if (ParameterShapes.isRandomInit(name)) Init.normal(t.data, (float) cfg.initializer_range(), rng);
            else Init.fill(t.data, ParameterShapes.initialValue(name));
            p.put(name, t);
        }
        return new Transformer(cfg, p);
    }

    /** A model over loaded tensors (names and shapes are checked against the config). */
    public static Transformer of(ModelConfig cfg, Map<String, Tensor> tensors) {
        return of(cfg, tensors, true);
    }

    /**
     * The same; with trainable false every tensor is a constant (a frozen model: no gradient is computed for its
     * weights, only for what flows through them, such as a LoRA adapter's).
     */
    public static Transformer of(ModelConfig cfg, Map<String, Tensor> tensors, boolean trainable) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (var e : ParameterShapes.of(cfg).entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("missing tensor '" + e.getKey() + "'");
            p.put(e.getKey(), t.packed() != null ? t : !trainable || ParameterShapes.isBuffer(e.getKey()) ? Tensor.of(t.data, t.shape())
                    : Tensor.param(e.getKey(), t.data, t.shape()));
        }
        return new Transformer(cfg, p);
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public ModelConfig config() {
        return cfg;
    }

    /** Every tensor of the checkpoint by its Hugging Face name (trainable ones and the router biases). */
    public Map<String, Tensor> tensors() {
        return params;
    }

    /** The tensors AdamW updates (the router biases are moved by the balancing rule instead). */
    public List<Tensor> trainable() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : params.values()) if (t.requiresGrad()) out.add(t);
        if (lora != null) out.addAll(lora.trainable());
        return out;
    }

    /** Gradient checkpointing of the dense decoder layers in training forwards (transformers' gradient_checkpointing). */
    public void setGradientCheckpointing(boolean on) {
        this.gradientCheckpointing = on;
    }

    /** The attached LoRA adapter, or null. */
    public Lora lora() {
        return lora;
    }

    void attach(Lora l) {
        this.lora = l;
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : params.values()) n += t.numel();
        return n;
    }

    /** Bytes the weights take: 16-bit packed matrices of a frozen model at 2 per value, the rest at 4. */
    public long weightBytes() {
        long n = 0;
        for (Tensor t : params.values()) n += t.packed() != null ? t.packed().bytes() : 4L * t.numel();
        return n;
    }

    /** Parameters used per token: all but the routed experts a token does not visit. */
    public long activeParameterCount() {
        long n = parameterCount();
        if (!cfg.isDeepseek() || cfg.n_routed_experts() == null || cfg.n_routed_experts() == 0) return n;
        long perExpert = 3L * cfg.hidden_size() * cfg.moe_intermediate_size();
        int moeLayers = 0;
        for (int l = 0; l < cfg.num_hidden_layers(); l++) if (cfg.isMoeLayer(l)) moeLayers++;
        return n - (long) moeLayers * (cfg.n_routed_experts() - cfg.num_experts_per_tok()) * perExpert;
    }

    // ---- training / full-sequence forward ----------------------------------------------------------------------

    /** Options of the training loss: MTP weight λ (§5.3) and sequence-wise balance weight α (§5.2). */
    public record LossOptions(float mtpLambda, float balanceAlpha) {
        public static final LossOptions NONE = new LossOptions(0f, 0f);
    }

    /** The total loss and its parts: next-token cross-entropy (with per-token log-probs), MTP and balance terms. */
    public record Loss(Tensor total, CrossEntropy.Result main, Tensor mtp, Tensor balance) {}

    /** Logits [batch·seq, vocab] for ids laid out as batch rows of seq tokens. */
    public Tensor forward(int[] ids, int batch, int seq) {
        return logits(hidden(NONE, ids, batch, seq, 0f, null));
    }

    /**
     * A batch of token rows that all continue the same shared tokens: batch rows of seq ids each (right-padded), the
     * shared start computed once and attended to by every row, whose positions continue after it (the GRPO update's
     * template, shared by every rollout). shared may be empty.
     */
    public record Input(int[] shared, int[] ids, int batch, int seq) {}

    /** What a forward is asked to predict: target t is tokens[t], predicted at flat row at[t] of the batch·seq rows. */
    public record Targets(int[] at, int[] tokens) {}

    /**
     * Logits [rows.length, vocab] of the chosen rows of the input's batch·seq rows. Equal to {@link #forward} on
     * [shared ; row] sequences, but the shared start costs once per call, and the LM head runs only on the rows asked for.
     */
    public Tensor forward(Input in, int[] rows) {
        int[] shared = in.shared();
        int batch = in.batch(), seq = in.seq();
        Tensor h = hidden(shared, in.ids(), batch, seq, 0f, null);
        int[] at = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= batch * seq) throw new IndexOutOfBoundsException("forward: row " + rows[i] + " of " + batch * seq);
            at[i] = shared.length + rows[i];
        }
        return logits(Rows.gather(h, at));
    }

    /**
     * log p(tokens[t]) at the targets' rows (as {@link #forward(Input, int[])} then Softmax.tokenLogProbs), with the
     * LM head checkpointed when the logits would be large (a real vocabulary).
     */
    public Tensor tokenLogProbs(Input in, Targets targets) {
        int[] rows = targets.at(), tokens = targets.tokens();
        if (!chunkHead(rows.length)) return r1j.tensor.Softmax.tokenLogProbs(forward(in, rows), tokens);
        Tensor h = hidden(in.shared(), in.ids(), in.batch(), in.seq(), 0f, null);
        int[] at = new int[rows.length];
        for (int i = 0; i < rows.length; i++) at[i] = in.shared().length + rows[i];
        return r1j.tensor.Softmax.headTokenLogProbs(RMSNorm.apply(Rows.gather(h, at), norm, (float) cfg.rms_norm_eps()), head,
                tokens, HEAD_CHUNK_FLOATS / cfg.vocab_size());
    }

    /**
     * Logits above this many floats (64 MB) go through the checkpointed head, in chunks of up to HEAD_CHUNK_FLOATS
     * (128 MB, 220 rows at a 152 k vocabulary). Each chunk reads the whole head three times per step (forward, recompute,
     * input gradient) as products of the chunk's rows, so fewer, taller chunks cost less: 27-row chunks (16 MB) made a
     * 0.5B LoRA step 25 % slower (issue 37). The chunk size does not change a result: every row is its own product.
     */
    static final long HEAD_LOGITS_LIMIT = 1L << 24;
    static final int HEAD_CHUNK_FLOATS = 1 << 25;

    private boolean chunkHead(int rows) {
        return (long) rows * cfg.vocab_size() > HEAD_LOGITS_LIMIT && !head.hasAdapters();
    }

    /** The final normed hidden states [batch·seq, hidden]: what the LM head reads, and a reward model's score head. */
    public Tensor hiddenStates(int[] ids, int batch, int seq) {
        return RMSNorm.apply(hidden(NONE, ids, batch, seq, 0f, null), norm, (float) cfg.rms_norm_eps());
    }

    /** Next-token loss over targets (a negative target is ignored), plus MTP and balance terms when enabled. */
    public Loss loss(int[] ids, int[] targets, int batch, int seq, LossOptions opt) {
        List<Tensor> balance = new ArrayList<>();
        Tensor h = hidden(NONE, ids, batch, seq, opt.balanceAlpha(), balance);
        Tensor normed = RMSNorm.apply(h, norm, (float) cfg.rms_norm_eps());
        CrossEntropy.Result main = chunkHead(targets.length)
                ? CrossEntropy.fromLogProbs(r1j.tensor.Softmax.headTokenLogProbs(normed, head, targets, HEAD_CHUNK_FLOATS / cfg.vocab_size()), targets)
                : CrossEntropy.apply(MatMul.linear(normed, head), targets);
        Tensor total = main.loss();
        Tensor mtpLoss = null;
        if (!mtp.isEmpty() && opt.mtpLambda() > 0) {
            mtpLoss = mtpLoss(normed, ids, targets, batch, seq, opt.balanceAlpha(), balance);
            total = Elementwise.add(total, Elementwise.scale(mtpLoss, opt.mtpLambda() / mtp.size()));
        }
        Tensor bal = null;
        for (Tensor b : balance) bal = bal == null ? b : Elementwise.add(bal, b);
        if (bal != null) total = Elementwise.add(total, bal);
        return new Loss(total, main, mtpLoss, bal);
    }

    private static final int[] NONE = new int[0];

    /** Hidden states of [shared ; batch·seq ids] rows; the balance loss needs whole sequences, so no shared start. */
    private Tensor hidden(int[] shared, int[] ids, int batch, int seq, float alpha, List<Tensor> balance) {
        if (ids.length != batch * seq) {
            throw new IllegalArgumentException("forward: " + ids.length + " ids for batch " + batch + " × seq " + seq);
        }
        if (shared.length > 0 && alpha > 0) throw new IllegalArgumentException("forward: the balance loss needs unshared sequences");
        int p = shared.length;
        int[] pos = new int[p + batch * seq], all = new int[p + batch * seq];
        for (int i = 0; i < p; i++) pos[i] = i;
        System.arraycopy(positions(batch, seq), 0, pos, p, batch * seq);
        for (int i = p; i < pos.length; i++) pos[i] += p;
        System.arraycopy(shared, 0, all, 0, p);
        System.arraycopy(ids, 0, all, p, ids.length);
        Tensor x = Embedding.lookup(embed, all);
        Tensor[] weights = gradientCheckpointing && Grad.isEnabled() ? trainable().toArray(new Tensor[0]) : null;
        Layout rows = new Layout(pos, p, batch, seq);
        Balance bal = new Balance(alpha, balance);
        for (Block b : blocks) {
            if (weights != null && b.moe() == null) {
                // MoE layers are not recomputed: routing twice would count each token's expert load twice.
                x = r1j.tensor.Recompute.apply(in -> blockForward(b, in, rows, bal), x, weights);
            } else {
                x = blockForward(b, x, rows, bal);
            }
        }
        return x;
    }

    /** The rows of a forward: their positions, and [prefix shared rows ; batch sequences of seq rows]. */
    private record Layout(int[] positions, int prefix, int batch, int seq) {}

    /** The sequence-wise balance loss's α (0: none) and the list that collects each MoE layer's term. */
    private record Balance(float alpha, List<Tensor> terms) {}

    private Tensor blockForward(Block b, Tensor x, Layout rows, Balance balance) {
        float eps = (float) cfg.rms_norm_eps();
        x = Elementwise.add(x, b.attn().forward(RMSNorm.apply(x, b.inNorm(), eps), rows.positions(), rows.prefix(), rows.batch(), rows.seq()));
        Tensor m = RMSNorm.apply(x, b.postNorm(), eps);
        if (b.moe() == null) return Elementwise.add(x, b.mlp().forward(m));
        MoE.Output out = b.moe().forward(m, rows.batch(), rows.seq(), balance.alpha());
        if (out.balanceLoss() != null && balance.terms() != null) balance.terms().add(out.balanceLoss());
        return Elementwise.add(x, out.y());
    }

    /** Logits [sequences, vocab] of each sequence's last row of h (zeros for a sequence without rows). */
    private Tensor lastLogits(Tensor h, int[][] tokens) {
        int n = 0, end = 0;
        for (int[] t : tokens) if (t.length > 0) n++;
        int[] last = new int[n], seqOf = new int[n];
        for (int s = 0, i = 0; s < tokens.length; s++) {
            end += tokens[s].length;
            if (tokens[s].length > 0) {
                last[i] = end - 1;
                seqOf[i++] = s;
            }
        }
        Tensor lg = logits(Rows.gather(h, last));
        if (n == tokens.length) return lg;
        int vocab = cfg.vocab_size();
        float[] out = new float[tokens.length * vocab];
        for (int i = 0; i < n; i++) System.arraycopy(lg.data, i * vocab, out, seqOf[i] * vocab, vocab);
        return Tensor.of(out, new int[] {tokens.length, vocab});
    }

    private Tensor logits(Tensor h) {
        return MatMul.linear(RMSNorm.apply(h, norm, (float) cfg.rms_norm_eps()), head);
    }

    private static int[] positions(int batch, int seq) {
        int[] pos = new int[batch * seq];
        for (int i = 0; i < pos.length; i++) pos[i] = i % seq;
        return pos;
    }

    /**
     * MTP depth k predicts token i+k+1 from [enorm(Emb(t_{i+k})) ; hnorm(h^{k−1}_i)] through eh_proj and one
     * decoder layer over the sequence shortened by k; h⁰ is the main model's normalised output (as vLLM and
     * SGLang feed it). Its target at position i is the main target at i+k, so masks carry over. The mean of the
     * depths' cross-entropies is returned.
     */
    private Tensor mtpLoss(Tensor h0, int[] ids, int[] targets, int batch, int seq, float alpha, List<Tensor> balance) {
        float eps = (float) cfg.rms_norm_eps();
        Tensor prev = h0;
        int prevSeq = seq;
        Tensor sum = null;
        for (int k = 1; k <= mtp.size(); k++) {
            MtpModule m = mtp.get(k - 1);
            int len = seq - k;
            if (len <= 0) break;
            int[] keepRows = new int[batch * len], tok = new int[batch * len], tgt = new int[batch * len];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < len; i++) {
                    keepRows[b * len + i] = b * prevSeq + i;
                    tok[b * len + i] = ids[b * seq + i + k];
                    tgt[b * len + i] = targets[b * seq + i + k];
                }
            }
            Tensor e = RMSNorm.apply(Embedding.lookup(embed, tok), m.enorm(), eps);
            Tensor hPrev = RMSNorm.apply(Rows.gather(prev, keepRows), m.hnorm(), eps);
            Tensor x = MatMul.linear(Rows.concatCols(e, hPrev), m.ehProj());
            Tensor hk = blockForward(m.block(), x, new Layout(positions(batch, len), 0, batch, len), new Balance(alpha, balance));
            Tensor lg = MatMul.linear(RMSNorm.apply(hk, m.headNorm(), eps), head);
            Tensor l = CrossEntropy.apply(lg, tgt).loss();
            sum = sum == null ? l : Elementwise.add(sum, l);
            prev = hk;
            prevSeq = len;
        }
        return sum == null ? Tensor.zeros() : sum;
    }

    // ---- MoE balancing ------------------------------------------------------------------------------------------

    /** Per MoE layer (in layer order, MTP layers last), the tokens routed to each expert since the last update. */
    public List<long[]> expertLoads() {
        List<long[]> out = new ArrayList<>();
        for (Block b : allBlocks()) if (b.moe() != null) out.add(b.moe().load());
        return out;
    }

    /** max/min tokens per expert since the last update, over the worst MoE layer (an idle expert counts as one). */
    public double expertLoadRatio() {
        return loadRatio(expertLoads());
    }

    /** max/min over the experts of the worst layer of per-layer token counts (an idle expert counts as one). */
    public static double loadRatio(List<long[]> loads) {
        double worst = 1;
        for (long[] l : loads) {
            long max = 0, min = Long.MAX_VALUE;
            for (long x : l) {
                max = Math.max(max, x);
                min = Math.min(min, x);
            }
            worst = Math.max(worst, (double) max / Math.max(1, min));
        }
        return worst;
    }

    /** The auxiliary-loss-free update of every router bias from the load since the last call (§5.1). */
    public void updateRouterBiases(float gamma) {
        for (Block b : allBlocks()) if (b.moe() != null) b.moe().updateBias(gamma);
    }

    public void resetExpertLoads() {
        for (Block b : allBlocks()) if (b.moe() != null) b.moe().resetLoad();
    }

    private List<Block> allBlocks() {
        List<Block> all = new ArrayList<>(blocks);
        for (MtpModule m : mtp) all.add(m.block());
        return all;
    }

    // ---- inference with a cache ------------------------------------------------------------------------------

    /** An empty cache for one sequence: MLA's latent + rope key, or GQA's K and V, for every main layer. */
    @Override
    public KvCache newCache(int capacity) {
        AttentionLayer a = blocks.get(0).attn();
        return new KvCache(blocks.size(), a.cacheWidthA(), a.cacheWidthB(), capacity);
    }

    /**
     * Feeds new tokens of several sequences through the model, each sequence continuing from its cache, and
     * returns logits [Σ new tokens, vocab] in the order given. Linear layers see all rows at once; attention
     * reads each sequence's own cache (MLA in the absorbed form). No graph is recorded.
     */
    @Override
    public Tensor extend(KvCache[] caches, int[][] tokens) {
        return extendRows(caches, tokens, false);
    }

    /** {@inheritDoc} The LM head runs on each sequence's last row only. */
    @Override
    public Tensor extendLast(KvCache[] caches, int[][] tokens) {
        return extendRows(caches, tokens, true);
    }

    /** One cached step; the logits of every new row, or (lastOnly) of each sequence's last one. */
    private Tensor extendRows(KvCache[] caches, int[][] tokens, boolean lastOnly) {
        int total = 0;
        for (int[] t : tokens) total += t.length;
        int[] ids = new int[total], pos = new int[total];
        KvCache[] rowCache = new KvCache[total];
        int r = 0;
        for (int s = 0; s < caches.length; s++) {
            caches[s].reserve(tokens[s].length);
            for (int t = 0; t < tokens[s].length; t++, r++) {
                ids[r] = tokens[s][t];
                pos[r] = caches[s].length() + t;
                rowCache[r] = caches[s];
            }
        }
        CachedRows rows = new CachedRows(rowCache, pos);
        float eps = (float) cfg.rms_norm_eps();
        try (var ignored = Grad.noGrad()) {
            Tensor x = Embedding.lookup(embed, ids);
            for (int l = 0; l < blocks.size(); l++) {
                Block b = blocks.get(l);
                x = Elementwise.add(x, b.attn().extend(RMSNorm.apply(x, b.inNorm(), eps), l, rows));
                Tensor m = RMSNorm.apply(x, b.postNorm(), eps);
                x = Elementwise.add(x, b.moe() == null ? b.mlp().forward(m) : b.moe().forward(m, 1, m.rows(), 0f).y());
            }
            Tensor lg = lastOnly ? lastLogits(x, tokens) : logits(x);
            // Committed last: a step that failed anywhere leaves the caches as they were.
            for (int s = 0; s < caches.length; s++) caches[s].advance(tokens[s].length);
            return lg;
        }
    }
}
