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
 *
 * <p>Two successors change one line each ({@link ImportanceLevel}, {@link PolicyLoss}):
 *
 * <pre>
 *   GSPO (arXiv 2507.18071 eq. 5–7):  ρ_t := s_i = exp( (1/|o_i|)·Σ_u log(π_θ(o_u)/π_old(o_u)) )  for every t of o_i
 *   CISPO (MiniMax-M1, arXiv 2506.13585 eq. 4):  J_t = sg(clip(ρ, 1 − ε_low, 1 + ε_high))·A_i·log π_θ(o_t) − β·D_KL
 * </pre>
 *
 * GSPO clips a whole sequence's length-normalised ratio, so one outlying token no longer decides; on-policy (ρ = 1) its
 * gradient equals GRPO's. CISPO keeps every token's gradient — the truncated weight is a constant (sg: stop-gradient)
 * — where the clipped surrogate drops the gradient of the tokens it clips.
 */
public final class GrpoObjective {
    /**
     * How per-token terms average into the loss: per sequence then over sequences (GRPO), over all tokens (DAPO), or by
     * a constant (Dr. GRPO).
     */
    public enum Aggregation { SEQUENCE_MEAN, TOKEN_MEAN, CONSTANT }

    /** Whose ratio the objective clips: each token's (GRPO, PPO) or its sequence's length-normalised one (GSPO). */
    public enum ImportanceLevel { TOKEN, SEQUENCE }

    /**
     * The policy term: PPO's clipped surrogate min(ρA, clip(ρ)A) (GRPO), or CISPO's detached clipped weight times
     * A·log π_θ.
     */
    public enum PolicyLoss { CLIP, CISPO }

    /**
     * The clip range below and above 1, the KL weight β, whose ratio is clipped and the policy term.
     */
    public record Config(float epsLow, float epsHigh, float beta, ImportanceLevel importanceLevel, PolicyLoss policyLoss) {
        /** GRPO's objective: token-level ratios, the clipped surrogate. */
        public Config(float epsLow, float epsHigh, float beta) {
            this(epsLow, epsHigh, beta, ImportanceLevel.TOKEN, PolicyLoss.CLIP);
        }
    }

    /**
     * What the objective reads beside log π_θ, one value per completion token, the completions laid out one after
     * another.
     *
     * @param oldLogProbs log π_old
     * @param refLogProbs log π_ref (ignored, may be null, when β = 0)
     * @param advantages A of each token's sequence
     * @param weights the aggregation weights w (0 for masked tokens)
     * @param sequences where each completion starts, from 0 to the number of tokens (needed by GSPO; null: each token
     *     its own sequence)
     */
    public record Tokens(float[] oldLogProbs, float[] refLogProbs, float[] advantages, float[] weights, int[] sequences) {}

    /**
     * The loss and what to log about it: the k3 KL's mean, the shares of tokens whose ratio (their sequence's under
     * GSPO) fell below 1 − ε_low or above 1 + ε_high where clipping acts — for the clipped surrogate where A's sign makes
     * the clip bind (those tokens get no gradient), for CISPO every token whose weight was truncated — and the ratio's
     * mean.
     */
    public record Result(Tensor loss, double kl, double clipLow, double clipHigh, double ratioMean) {}

    private GrpoObjective() {}

    /** GRPO's objective with token-level ratios ({@link #loss(Tensor, Tokens, Config)}). */
    public static Result loss(Tensor logProbs, float[] oldLogProbs, float[] refLogProbs, float[] advantages, float[] weights,
                              Config c) {
        return loss(logProbs, new Tokens(oldLogProbs, refLogProbs, advantages, weights, null), c);
    }

    /**
     * @param logProbs log π_θ of each completion token (with gradient), [n]
     * @param t π_old, π_ref, the advantages, aggregation weights and sequence starts of the same tokens
     */
    public static Result loss(Tensor logProbs, Tokens t, Config c) {
        int n = logProbs.numel();
        float[] advantages = t.advantages(), weights = t.weights();
        Tensor adv = Tensor.of(advantages, n);
        Tensor logRatio = Elementwise.sub(logProbs, Tensor.of(t.oldLogProbs(), n));
        if (c.importanceLevel() == ImportanceLevel.SEQUENCE) {
            if (t.sequences() == null) throw new IllegalArgumentException("sequence-level ratios need the sequences' starts");
            logRatio = Reduce.segmentMean(logRatio, t.sequences());
        }
        Tensor ratio = Elementwise.exp(logRatio);
        float lo = 1 - c.epsLow(), hi = 1 + c.epsHigh();
        Tensor obj = switch (c.policyLoss()) {
            case CLIP -> Elementwise.minimum(Elementwise.mul(ratio, adv), Elementwise.mul(Elementwise.clamp(ratio, lo, hi), adv));
            case CISPO -> {
                float[] coef = new float[n];
                for (int i = 0; i < n; i++) coef[i] = Math.min(Math.max(ratio.data[i], lo), hi) * advantages[i];
                yield Elementwise.mul(logProbs, Tensor.of(coef, n));
            }
        };
        double klSum = 0, wSum = 0;
        if (c.beta() != 0) {
            // d = log π_ref − log π_θ; D = e^d − d − 1
            Tensor d = Elementwise.sub(Tensor.of(t.refLogProbs(), n), logProbs);
            Tensor kl = Elementwise.addScalar(Elementwise.sub(Elementwise.exp(d), d), -1f);
            for (int i = 0; i < n; i++) if (weights[i] != 0) {
                klSum += kl.data[i];
                wSum++;
            }
            obj = Elementwise.sub(obj, Elementwise.scale(kl, c.beta()));
        }
        Tensor loss = Reduce.weightedSum(obj, weights, -1f);
        boolean cispo = c.policyLoss() == PolicyLoss.CISPO;
        int low = 0, high = 0, counted = 0;
        double rsum = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] == 0) continue;
            counted++;
            float r = ratio.data[i];
            rsum += r;
            if ((cispo || advantages[i] < 0) && r < lo) low++;
            if ((cispo || advantages[i] > 0) && r > hi) high++;
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
}
