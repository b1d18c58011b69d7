package r1j.nn;

import r1j.tensor.Reduce;
import r1j.tensor.Softmax;
import r1j.tensor.Tensor;

/**
 * Next-token cross-entropy: the mean of −log p(target) over the positions whose target is not ignored (a
 * negative target: padding, or a prompt token under a completion-only loss). The per-token log-probabilities come
 * back too, still in the graph, for GRPO and for reporting.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** The mean loss, each counted token's log-probability, and how many tokens counted. */
    public record Result(Tensor loss, Tensor tokenLogProbs, int counted) {}

    public static Result apply(Tensor logits, int[] targets) {
        return fromLogProbs(Softmax.tokenLogProbs(logits, targets), targets);
    }

    /** The same from per-token log-probabilities already computed (the checkpointed LM head's). */
    public static Result fromLogProbs(Tensor lp, int[] targets) {
        int counted = 0;
        for (int t : targets) if (t >= 0) counted++;
        float[] w = new float[targets.length];
        float inv = counted == 0 ? 0f : -1f / counted;
        for (int i = 0; i < targets.length; i++) w[i] = targets[i] >= 0 ? inv : 0f;
        return new Result(Reduce.weightedSum(lp, w, 1f), lp, counted);
    }
}
