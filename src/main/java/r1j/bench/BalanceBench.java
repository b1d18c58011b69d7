package r1j.bench;

import java.util.List;
import java.util.SplittableRandom;
import r1j.model.ModelConfig;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;

/**
 * {@code r1j bench balance}: the auxiliary-loss-free load balancing of DeepSeek-V3 (§2.1.2) at work. Two copies of
 * a model train on the same skewed token stream, one updating the router biases by γ·sign(mean − load) after
 * every step, one with the biases frozen; the max/min expert load ratio (worst MoE layer) is reported for the first
 * step (before any update: the same for both runs) and over the last window of steps.
 */
public final class BalanceBench {
    /**
     * What the balance benchmark measured: the router-bias speed γ, the max/mean expert load at the start and end, and
     * the final loss.
     */
    public record Result(float gamma, double ratioStart, double ratioEnd, float lossEnd) {}

    private BalanceBench() {}

    public static Result run(String preset, float gamma, int steps, int window, long seed) {
        ModelConfig cfg = Presets.get(preset);
        Transformer m = Transformer.init(cfg, seed);
        List<Tensor> params = m.trainable();
        AdamW opt = new AdamW(params, AdamW.Config.defaults());
        SplittableRandom rng = new SplittableRandom(seed);
        int batch = 8, seq = 32, n = batch * seq, v = cfg.vocab_size();
        double start = 0, end = 0;
        long[][] acc = null;
        float loss = 0;
        for (int step = 0; step < steps; step++) {
            int[] ids = new int[n], targets = new int[n];
            for (int b = 0; b < batch; b++) {
                // Zipf-like starts and a few strides: frequent tokens pull the router towards some experts.
                int first = (int) Math.min(v - 1, Math.floor(Math.exp(rng.nextDouble() * Math.log(v))) - 1);
                int stride = 1 + rng.nextInt(3);
                for (int t = 0; t < seq; t++) ids[b * seq + t] = (first + stride * t) % v;
            }
            for (int i = 0; i < n; i++) targets[i] = (i + 1) % seq == 0 ? -1 : ids[i + 1];
            for (Tensor p : params) p.zeroGrad();
            Tensor l = m.loss(ids, targets, batch, seq, Transformer.LossOptions.NONE).total();
            l.backward();
            AdamW.clipGradNorm(params, 1f);
            opt.step(3e-3f);
            loss = l.item();
            l.releaseGraph();
            List<long[]> loads = m.expertLoads();
            if (acc == null) acc = new long[loads.size()][];
            for (int i = 0; i < loads.size(); i++) {
                if (acc[i] == null) acc[i] = new long[loads.get(i).length];
                for (int e = 0; e < acc[i].length; e++) acc[i][e] += loads.get(i)[e];
            }
            if (gamma > 0) m.updateRouterBiases(gamma);
            else m.resetExpertLoads();
            if (step == 0) {
                start = Transformer.loadRatio(java.util.Arrays.asList(acc));
                acc = null;
            } else if ((step + 1) % window == 0) {
                end = Transformer.loadRatio(java.util.Arrays.asList(acc));
                acc = null;
            }
        }
        return new Result(gamma, start, end, loss);
    }

}
