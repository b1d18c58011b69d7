package r1j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import r1j.tensor.Elementwise;
import r1j.tensor.MatMul;
import r1j.tensor.Reduce;
import r1j.tensor.Rows;
import r1j.tensor.Tensor;

/**
 * DeepSeekMoE with V3's noaux_tc routing (docs/deepseek-v3.md §4.4; V3 report §2.1.2):
 * <ol>
 *   <li>s = sigmoid(u·W_gateᵀ), one affinity per routed expert;</li>
 *   <li>selection on s + b, where b (e_score_correction_bias) is used for selection only;</li>
 *   <li>group limit: a group's score is the sum of its top-2 biased scores, the topk_group best groups stay;</li>
 *   <li>the top-k experts of the remaining ones; their weights are the unbiased s, renormalised (norm_topk_prob)
 *       and times routed_scaling_factor;</li>
 *   <li>output = Σ_k w_k·Expert_k(u) + SharedExperts(u).</li>
 * </ol>
 * Each expert computes only on the tokens routed to it. Training adds the auxiliary-loss-free balancing (the bias
 * moves by γ·sign(mean load − load) after each step, §5.1) and the optional sequence-wise balance loss (§5.2);
 * the per-expert load of the tokens seen since the last update is kept for both and for logging.
 */
final class MoE {
    private final int experts, topk, groups, topkGroups;
    private final boolean normTopk;
    private final float routedScale;
    private final Tensor gate;
    private final Tensor bias;
    private final Mlp[] routed;
    private final Mlp shared;
    private final long[] load;

    MoE(ModelConfig c, Map<String, Tensor> p, String prefix) {
        experts = c.n_routed_experts();
        topk = c.num_experts_per_tok();
        groups = c.n_group() == null ? 1 : c.n_group();
        topkGroups = c.topk_group() == null ? 1 : c.topk_group();
        normTopk = !Boolean.FALSE.equals(c.norm_topk_prob());
        routedScale = c.routed_scaling_factor().floatValue();
        gate = Weights.get(p, prefix + "mlp.gate.weight");
        bias = Weights.get(p, prefix + "mlp.gate.e_score_correction_bias");
        routed = new Mlp[experts];
        for (int e = 0; e < experts; e++) routed[e] = new Mlp(p, prefix + "mlp.experts." + e + ".");
        shared = c.n_shared_experts() > 0 ? new Mlp(p, prefix + "mlp.shared_experts.") : null;
        load = new long[experts];
    }

    /** The result of a forward: the output, and the sequence-wise balance loss when one was asked for. */
    record Output(Tensor y, Tensor balanceLoss) {}

    /**
     * u [n, D] for batch sequences of seq tokens. With alpha &gt; 0 the sequence-wise balance loss
     * α Σ_i f_i·P_i (averaged over sequences) is returned too.
     */
    Output forward(Tensor u, int batch, int seq, float alpha) {
        int n = u.rows();
        Tensor scores = Elementwise.sigmoid(MatMul.linear(u, gate));
        int[] idx = route(scores.data, n);
        synchronized (load) {
            for (int e : idx) load[e]++;
        }
        Tensor w = Rows.gatherCols(scores, idx, topk);
        if (normTopk) w = Rows.normalizeRows(w, 1e-20f);
        w = Elementwise.scale(w, routedScale);

        // Dispatch: expert e sees the rows that chose it; its outputs, weighted, are added back to those rows.
        List<Tensor> outs = new ArrayList<>();
        int[] target = new int[n * topk];
        int[] slot = new int[n * topk];
        int filled = 0;
        for (int e = 0; e < experts; e++) {
            int count = 0;
            for (int s = 0; s < n * topk; s++) if (idx[s] == e) count++;
            if (count == 0) continue;
            int[] rowsOfE = new int[count];
            for (int s = 0, j = 0; s < n * topk; s++) {
                if (idx[s] == e) {
                    rowsOfE[j++] = s / topk;
                    target[filled] = s / topk;
                    slot[filled++] = s;
                }
            }
            Mlp expert = routed[e];
            // Served adapters follow each row into its experts.
            outs.add(r1j.tensor.LowRank.forRows(rowsOfE, () -> expert.forward(Rows.gather(u, rowsOfE))));
        }
        Tensor weights = Rows.gather(w.reshape(n * topk, 1), slot);
        Tensor y = Rows.scatterAdd(Rows.scale(Rows.concatRows(outs), weights), target, n);
        if (shared != null) y = Elementwise.add(y, shared.forward(u));
        Tensor balance = alpha > 0 ? balanceLoss(scores, idx, batch, seq, alpha) : null;
        return new Output(y, balance);
    }

    /**
     * L_bal = α Σ_i f_i P_i per sequence, averaged over sequences, with s' the affinities normalised over all
     * experts, P_i = mean_t s'_{i,t} and f_i = E/(K·T)·(tokens routed to i). f counts routing decisions (with the
     * bias, as implementations do), so it is a constant and the gradient flows through P into the router.
     */
    private Tensor balanceLoss(Tensor scores, int[] idx, int batch, int seq, float alpha) {
        Tensor normed = Rows.normalizeRows(scores, 0f);
        float[] weights = new float[batch * seq * experts];
        for (int b = 0; b < batch; b++) {
            float[] f = new float[experts];
            for (int t = 0; t < seq; t++) for (int k = 0; k < topk; k++) f[idx[(b * seq + t) * topk + k]]++;
            for (int e = 0; e < experts; e++) f[e] *= (float) experts / (topk * seq);
            for (int t = 0; t < seq; t++) {
                for (int e = 0; e < experts; e++) weights[(b * seq + t) * experts + e] = alpha * f[e] / seq / batch;
            }
        }
        return Reduce.weightedSum(normed, weights, 1f);
    }

    /** The top-k experts of each row under noaux_tc selection; n·k indices, best first. */
    int[] route(float[] s, int n) {
        float[] b = bias.data;
        int per = experts / groups;
        float[] sel = new float[n * experts];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < experts; e++) sel[i * experts + e] = s[i * experts + e] + b[e];
            if (groups > 1 && topkGroups < groups) {
                float[] groupScore = new float[groups];
                for (int g = 0; g < groups; g++) {
                    float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
                    for (int e = g * per; e < (g + 1) * per; e++) {
                        float v = sel[i * experts + e];
                        if (v > first) {
                            second = first;
                            first = v;
                        } else if (v > second) {
                            second = v;
                        }
                    }
                    groupScore[g] = first + second;
                }
                int[] keep = Rows.topk(groupScore, 1, groups, topkGroups);
                boolean[] kept = new boolean[groups];
                for (int g : keep) kept[g] = true;
                for (int g = 0; g < groups; g++) {
                    if (!kept[g]) Arrays.fill(sel, i * experts + g * per, i * experts + (g + 1) * per, Float.NEGATIVE_INFINITY);
                }
            }
        }
        return Rows.topk(sel, n, experts, topk);
    }

    /** Tokens routed to each expert (top-k assignments) since the last {@link #resetLoad()}. */
    long[] load() {
        synchronized (load) {
            return load.clone();
        }
    }

    void resetLoad() {
        synchronized (load) {
            Arrays.fill(load, 0);
        }
    }

    /** b_i += γ·sign(mean load − load_i) from the load since the last update, which it then clears (§5.1). */
    void updateBias(float gamma) {
        long[] l = load();
        double mean = 0;
        for (long x : l) mean += x;
        mean /= experts;
        for (int e = 0; e < experts; e++) bias.data[e] += gamma * (float) Math.signum(mean - l[e]);
        resetLoad();
    }
}
