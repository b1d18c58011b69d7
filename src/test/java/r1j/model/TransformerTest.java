package r1j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;
import r1j.testing.GradCheck;

/** Whole nano models: gradients through every block, learning, determinism, cached decoding. */
class TransformerTest {
    static final ModelConfig MOE_QLORA = Presets.get("nano").withVocabSize(41);
    static final ModelConfig MOE_NO_QLORA = ModelConfig.deepseekV3().vocabSize(41).hiddenSize(32).numHiddenLayers(2).numAttentionHeads(2)
            .qLoraRank(null).kvLoraRank(16).qkNopeHeadDim(8).qkRopeHeadDim(4).vHeadDim(8).intermediateSize(64)
            .moeIntermediateSize(16).nRoutedExperts(8).nSharedExperts(1).numExpertsPerTok(2)
            .nGroup(4).topkGroup(2).firstKDenseReplace(1).maxPositionEmbeddings(64).build();
    static final ModelConfig QWEN2 = ModelConfig.dense(ModelConfig.QWEN2).vocabSize(41).hiddenSize(32).numHiddenLayers(2).numAttentionHeads(4)
            .numKeyValueHeads(2).intermediateSize(64).maxPositionEmbeddings(64).tieWordEmbeddings(false).build();
    static final ModelConfig QWEN3 = ModelConfig.dense(ModelConfig.QWEN3).vocabSize(41).hiddenSize(32).numHiddenLayers(2).numAttentionHeads(4)
            .numKeyValueHeads(2).intermediateSize(64).maxPositionEmbeddings(64).tieWordEmbeddings(true).build();

    static final int[] IDS = {1, 5, 9, 2, 30, 7, 7, 0, 3, 3, 12, 40};
    static final int[] TARGETS = {5, 9, 2, 30, 7, -1, 0, 3, 3, 12, 40, -1};

    /** Checks some tensors of every kind: attention, router, an expert, the shared expert, norms, embedding. */
    private static void check(Transformer m, Transformer.LossOptions opt, String... names) {
        List<Tensor> ts = new ArrayList<>();
        for (String n : names) ts.add(m.tensors().get(n));
        // A perturbation of 1e-3 keeps every token's expert choice fixed (the routing is piecewise constant).
        GradCheck.check(() -> m.loss(IDS, TARGETS, 2, 6, opt).total(), ts, 1e-3f, 5e-2, 2e-3);
    }

    /**
     * A cached step's last-row logits (what sampling reads; the LM head on those rows alone) are bit for bit the last
     * rows of the full step's, for several sequences at once, one of them given no new token.
     */
    @Test
    void lastRowLogitsAreTheFullStepsLastRows() {
        for (ModelConfig c : List.of(MOE_QLORA, MOE_NO_QLORA, QWEN2, QWEN3)) {
            Transformer m = Transformer.init(c, 4);
            int[][] toks = {{1, 5, 9}, {}, {2, 30, 7, 7}, {40}};
            KvCache[] a = new KvCache[toks.length], b = new KvCache[toks.length];
            for (int i = 0; i < toks.length; i++) {
                a[i] = m.newCache(16);
                b[i] = m.newCache(16);
            }
            float[] all = m.extend(a, toks).data, last = m.extendLast(b, toks).data;
            int vocab = c.vocab_size(), end = 0;
            assertThat(last).hasSize(toks.length * vocab);
            for (int s = 0; s < toks.length; s++) {
                end += toks[s].length;
                float[] want = toks[s].length == 0 ? new float[vocab] : java.util.Arrays.copyOfRange(all, (end - 1) * vocab, end * vocab);
                assertThat(java.util.Arrays.copyOfRange(last, s * vocab, (s + 1) * vocab)).as("%s sequence %d", c.model_type(), s)
                        .containsExactly(want);
            }
        }
    }

    @Test
    void gradientsMlaMoeWithQueryCompression() {
        Transformer m = Transformer.init(MOE_QLORA, 5);
        scaleUp(m);
        check(m, Transformer.LossOptions.NONE, "model.layers.0.self_attn.q_a_proj.weight",
                "model.layers.0.self_attn.q_b_proj.weight", "model.layers.1.self_attn.kv_a_proj_with_mqa.weight",
                "model.layers.1.self_attn.kv_b_proj.weight", "model.layers.1.mlp.gate.weight",
                "model.layers.1.mlp.experts.3.up_proj.weight", "model.layers.1.mlp.shared_experts.down_proj.weight",
                "model.layers.1.self_attn.kv_a_layernorm.weight", "model.embed_tokens.weight", "lm_head.weight");
    }

    @Test
    void gradientsMlaMoeWithoutQueryCompressionAndWithBalanceLossAndMtp() {
        Transformer m = Transformer.init(MOE_NO_QLORA.withMtp(1), 6);
        scaleUp(m);
        check(m, new Transformer.LossOptions(0.3f, 0.01f), "model.layers.0.self_attn.q_proj.weight",
                "model.layers.1.mlp.gate.weight", "model.layers.2.eh_proj.weight", "model.layers.2.mlp.gate.weight",
                "model.layers.2.enorm.weight", "model.layers.0.mlp.down_proj.weight");
    }

    @Test
    void gradientsDenseGqaStudentWithBiases() {
        Transformer m = Transformer.init(QWEN2, 7);
        scaleUp(m);
        check(m, Transformer.LossOptions.NONE, "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.bias",
                "model.layers.1.self_attn.v_proj.weight", "model.layers.1.self_attn.v_proj.bias",
                "model.layers.1.mlp.gate_proj.weight", "model.norm.weight");
    }

    @Test
    void gradientsQwen3WithPerHeadQueryAndKeyNorms() {
        Transformer m = Transformer.init(QWEN3, 8);
        scaleUp(m);
        for (String n : List.of("model.layers.0.self_attn.q_norm.weight", "model.layers.1.self_attn.k_norm.weight")) {
            float[] w = m.tensors().get(n).data;
            for (int i = 0; i < w.length; i++) w[i] = 0.5f + 0.1f * i;
        }
        check(m, Transformer.LossOptions.NONE, "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.q_norm.weight",
                "model.layers.1.self_attn.k_proj.weight", "model.layers.1.self_attn.k_norm.weight", "model.embed_tokens.weight");
    }

    /**
     * Qwen3 normalises each head of q and k: scaling q_proj or k_proj by a constant leaves the logits unchanged, while
     * the same scaling changes Qwen2's (which has no such norm).
     */
    @Test
    void qwen3QueryAndKeyNormsMakeTheLogitsScaleFree() {
        for (ModelConfig c : List.of(QWEN3, QWEN2)) {
            Transformer m = Transformer.init(c, 11);
            scaleUp(m);
            Tensor before = m.forward(IDS, 2, 6);
            for (String n : List.of("model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight")) {
                float[] w = m.tensors().get(n).data;
                for (int i = 0; i < w.length; i++) w[i] *= 3f;
            }
            Tensor after = m.forward(IDS, 2, 6);
            double diff = 0;
            for (int i = 0; i < before.numel(); i++) diff = Math.max(diff, Math.abs(before.data[i] - after.data[i]));
            if (c == QWEN3) assertThat(diff).as("qwen3").isLessThan(1e-4);
            else assertThat(diff).as("qwen2").isGreaterThan(1e-2);
        }
    }

    /** Larger weights than the 0.006 default, so that every path carries gradient well above float noise. */
    private static void scaleUp(Transformer m) {
        for (var e : m.tensors().entrySet()) {
            if (ParameterShapes.isRandomInit(e.getKey())) for (int i = 0; i < e.getValue().numel(); i++) e.getValue().data[i] *= 30f;
        }
    }

    @Test
    void cachedDecodingEqualsFullRecomputationForEveryFamily() {
        for (ModelConfig c : List.of(MOE_QLORA, MOE_NO_QLORA, QWEN2, QWEN3)) {
            Transformer m = Transformer.init(c, 9);
            scaleUp(m);
            Tensor full = m.forward(IDS, 1, IDS.length);
            KvCache cache = m.newCache(2);
            for (int t = 0; t < IDS.length; t++) {
                Tensor step = m.extend(new KvCache[] {cache}, new int[][] {{IDS[t]}});
                for (int v = 0; v < c.vocab_size(); v++) {
                    assertThat(step.data[v]).as("%s position %d", c.model_type(), t)
                            .isCloseTo(full.data[t * c.vocab_size() + v], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void sharedStartEqualsRepeatingItInEveryRowForEveryFamily() {
        // Rows [shared ; own] against full sequences: the logits of the chosen rows and every parameter's gradient.
        int[] shared = {1, 5, 9, 2, 30}, own = {7, 7, 0, 3, 3, 12, 40, 8};
        int batch = 2, seq = 4, full = shared.length + seq;
        int[] rows = {1, 3, 4, 6, 7}, fullIds = new int[batch * full], fullRows = new int[rows.length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(shared, 0, fullIds, b * full, shared.length);
            System.arraycopy(own, b * seq, fullIds, b * full + shared.length, seq);
        }
        for (int i = 0; i < rows.length; i++) fullRows[i] = rows[i] / seq * full + shared.length + rows[i] % seq;
        for (ModelConfig c : List.of(MOE_QLORA, MOE_NO_QLORA, QWEN2, QWEN3)) {
            Transformer m = Transformer.init(c, 10);
            scaleUp(m);
            Tensor y = m.forward(new Transformer.Input(shared, own, batch, seq), rows);
            float[] r = new float[y.numel()];
            for (int i = 0; i < r.length; i++) r[i] = (float) Math.cos(i * 0.7);
            y.backward(r);
            java.util.Map<String, float[]> grads = new java.util.LinkedHashMap<>();
            for (Tensor t : m.trainable()) {
                grads.put(t.name(), t.grad() == null ? new float[t.numel()] : t.grad().clone());
                t.zeroGrad();
            }
            Tensor all = m.forward(fullIds, batch, full);
            Tensor yf = r1j.tensor.Rows.gather(all, fullRows);
            yf.backward(r);
            assertThat(y.data).as(c.model_type()).containsExactly(yf.data, org.assertj.core.data.Offset.offset(1e-4f));
            for (Tensor t : m.trainable()) {
                float[] g = t.grad() == null ? new float[t.numel()] : t.grad(), gs = grads.get(t.name());
                double scale = 1e-3, worst = 0;
                for (int i = 0; i < g.length; i++) {
                    scale = Math.max(scale, Math.abs(g[i]));
                    worst = Math.max(worst, Math.abs(g[i] - gs[i]));
                }
                // float sums in another order: equal to ~1e-6 of the tensor's largest gradient
                assertThat(worst / scale).as("%s %s", c.model_type(), t.name()).isLessThan(2e-5);
                t.zeroGrad();
            }
        }
    }

    @Test
    void learnsAndIsBitIdenticalForAFixedSeed() {
        float[] a = train(MOE_QLORA, 3), b = train(MOE_QLORA, 3);
        assertThat(b).containsExactly(a);
        float[] c = train(QWEN2, 3), d = train(QWEN2, 3);
        assertThat(d).containsExactly(c);
    }

    private static float[] train(ModelConfig cfg, long seed) {
        Transformer m = Transformer.init(cfg, seed);
        List<Tensor> params = m.trainable();
        AdamW opt = new AdamW(params, AdamW.Config.defaults());
        int batch = 4, seq = 16, n = batch * seq, v = cfg.vocab_size();
        SplittableRandom rng = new SplittableRandom(seed);
        float first = 0, last = 0;
        for (int step = 0; step < 80; step++) {
            int[] ids = new int[n], targets = new int[n];
            for (int b = 0; b < batch; b++) {
                int start = rng.nextInt(v);
                for (int t = 0; t < seq; t++) ids[b * seq + t] = (start + 3 * t) % v;
            }
            for (int i = 0; i < n; i++) targets[i] = (i + 1) % seq == 0 ? -1 : ids[i + 1];
            for (Tensor p : params) p.zeroGrad();
            Tensor loss = m.loss(ids, targets, batch, seq, Transformer.LossOptions.NONE).total();
            loss.backward();
            AdamW.clipGradNorm(params, 1f);
            opt.step(1e-2f);
            m.updateRouterBiases(1e-3f);
            if (step == 0) first = loss.item();
            last = loss.item();
            loss.releaseGraph();
        }
        assertThat(first).isGreaterThan(3f);
        assertThat(last).as("%s loss after 80 steps on a +3 mod %d sequence", cfg.model_type(), v).isLessThan(1f);
        return m.tensors().get("lm_head.weight").data.clone();
    }
}
