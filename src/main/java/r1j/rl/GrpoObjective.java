package r1j.rl;

import r1j.tensor.Elementwise;
import r1j.tensor.Reduce;
import r1j.tensor.Tensor;

/**
 * The GRPO objective (DeepSeekMath eq. 3; DeepSeek-R1 report eq. 1), per completion token t of output i:
 *
 * <pre>
 *   ρ = π_θ(o_t | q, o_&lt;t) / π_old(o_t | q, o_&lt;t)
 *   J_t = min(ρ·A_i, clip(ρ, 1 − ε_low, 1 + ε_high)·A_i) − β·D_KL,
 *   D_KL = π_ref/π_θ − log(π_ref/π_θ) − 1          (Schulman's k3 estimator, unbiased and ≥ 0)
 * </pre>
 *
 * and the loss is −Σ_t w_t·J_t, where the weights w carry the aggregation: the per-sequence mean then the mean over
 * sequences (DeepSeekMath), the sum over all tokens divided by their number (DAPO's token level), or the sum divided
 * by a constant (Dr. GRPO). On the first pass π_old = π_θ numerically, so ρ = 1 and the loss is ~0, but its gradient
 * is A·∇log π_θ, not zero.
 */
public final class GrpoObjective {
    /**
     * How per-token terms average into the loss: per sequence then over sequences (GRPO), over all tokens (DAPO), or by
     * a constant (Dr. GRPO).
     */
    public enum Aggregation { SEQUENCE_MEAN, TOKEN_MEAN, CONSTANT }

    /** The clip range below and above 1 and the KL weight β. */
    public record Config(float epsLow, float epsHigh, float beta) {}

    /** The loss and what to log about it. */
    public record Result(Tensor loss, double kl, double clipLow, double clipHigh, double ratioMean) {}

    private GrpoObjective() {}

    /**
     * @param logProbs  log π_θ of each completion token (with gradient), [n]
     * @param oldLogProbs log π_old, [n]
     * @param refLogProbs log π_ref, [n] (ignored when β = 0)
     * @param advantages A of each token's sequence, [n]
     * @param weights   the aggregation weights w (0 for masked tokens), [n]
     */
    public static Result loss(Tensor logProbs, float[] oldLogProbs, float[] refLogProbs, float[] advantages, float[] weights,
                              Config c) {
        int n = logProbs.numel();
        Tensor old = Tensor.of(oldLogProbs, n), adv = Tensor.of(advantages, n);
        Tensor ratio = Elementwise.exp(Elementwise.sub(logProbs, old));
        Tensor surr1 = Elementwise.mul(ratio, adv);
        Tensor surr2 = Elementwise.mul(Elementwise.clamp(ratio, 1 - c.epsLow(), 1 + c.epsHigh()), adv);
        Tensor obj = Elementwise.minimum(surr1, surr2);
        double klSum = 0, wSum = 0;
        if (c.beta() != 0) {
            // d = log π_ref − log π_θ; D = e^d − d − 1
            Tensor d = Elementwise.sub(Tensor.of(refLogProbs, n), logProbs);
            Tensor kl = Elementwise.sub(Elementwise.sub(Elementwise.exp(d), d), Tensor.of(ones(n), n));
            for (int i = 0; i < n; i++) if (weights[i] != 0) {
                klSum += kl.data[i];
                wSum++;
            }
            obj = Elementwise.sub(obj, Elementwise.scale(kl, c.beta()));
        }
        Tensor loss = Reduce.weightedSum(obj, weights, -1f);
        int low = 0, high = 0, counted = 0;
        double rsum = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] == 0) continue;
            counted++;
            float r = ratio.data[i];
            rsum += r;
            if (advantages[i] < 0 && r < 1 - c.epsLow()) low++;
            if (advantages[i] > 0 && r > 1 + c.epsHigh()) high++;
        }
        int m = Math.max(1, counted);
        return new Result(loss, wSum == 0 ? 0 : klSum / wSum, (double) low / m, (double) high / m, rsum / m);
    }

    /**
     * Truncated importance sampling for rollouts that were not sampled from the trainer's exact policy (8-bit weights,
     * another engine): each token's loss is multiplied by the detached weight
     *
     * <pre>
     *   w_t = min(π_old(o_t | q, o_&lt;t) / π_sampler(o_t | q, o_&lt;t), C)
     * </pre>
     *
     * with π_old the trainer's policy at the weights the rollouts were asked for and π_sampler the probabilities the
     * sampler drew them with (Yao et al. 2025, "Your Efficient RL Framework Secretly Brings You Off-Policy RL
     * Training"; verl's tis_imp_ratio_cap). The ratio ρ is then taken against π_old, so clipping keeps its meaning.
     *
     * @param old log π_old of each token
     * @param sampler log π_sampler of each token
     * @param cap C
     */
    public static float[] truncatedImportanceWeights(float[] old, float[] sampler, float cap) {
        float[] w = new float[old.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.min(Math.exp((double) old[i] - sampler[i]), cap);
        return w;
    }

    /**
     * The weights w_t of each aggregation for completions of the given lengths laid out one after another (masked
     * sequences get 0): SEQUENCE_MEAN 1/(|o_i|·G'), TOKEN_MEAN 1/Σ|o_i|, CONSTANT 1/(G'·maxLen), with G' the number of
     * sequences that count.
     */
    public static float[] weights(int[] lengths, boolean[] masked, Aggregation a, int maxLen) {
        int total = 0, seqs = 0, tokens = 0;
        for (int i = 0; i < lengths.length; i++) {
            total += lengths[i];
            if (!masked[i]) {
                seqs++;
                tokens += lengths[i];
            }
        }
        float[] w = new float[total];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            float v = 0;
            if (!masked[i] && lengths[i] > 0) {
                v = switch (a) {
                    case SEQUENCE_MEAN -> 1f / (lengths[i] * (float) seqs);
                    case TOKEN_MEAN -> 1f / tokens;
                    case CONSTANT -> 1f / ((float) seqs * maxLen);
                };
            }
            for (int t = 0; t < lengths[i]; t++) w[at + t] = v;
            at += lengths[i];
        }
        return w;
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        java.util.Arrays.fill(o, 1f);
        return o;
    }
}
