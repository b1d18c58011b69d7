package r1j.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import r1j.tensor.Kernels;
import r1j.tensor.Softmax;

/**
 * Picks the next token from one row of logits under {@link SamplingParams}, in the order HF applies the processors:
 * repetition penalty, temperature, top-k, top-p, min-p; then a draw from the sequence's own generator. Returns the
 * token with its log-probability under the processed distribution and under the raw model.
 */
final class Sampler {
    record Pick(int token, float sampleLogprob, float modelLogprob) {}

    private Sampler() {}

    static Pick pick(float[] logits, int off, int vocab, SamplingParams p, int[] seen, int seenCount, SplittableRandom rng) {
        float[] z = Arrays.copyOfRange(logits, off, off + vocab);
        float rawLse = Softmax.logSumExp(z, 0, vocab);
        if (p.repetitionPenalty() != 1f) {
            boolean[] done = new boolean[vocab];
            for (int i = 0; i < seenCount; i++) {
                int t = seen[i];
                if (t < 0 || t >= vocab || done[t]) continue;
                done[t] = true;
                z[t] = z[t] > 0 ? z[t] / p.repetitionPenalty() : z[t] * p.repetitionPenalty();
            }
        }
        if (p.temperature() == 0f) {
            int best = 0;
            for (int i = 1; i < vocab; i++) if (z[i] > z[best]) best = i;
            return new Pick(best, 0f, logits[off + best] - rawLse);
        }
        Kernels.scale(1f / p.temperature(), z, 0, vocab);
        int[] order = p.topK() > 0 || p.topP() < 1f || p.minP() > 0f ? sortedByLogit(z) : null;
        int keep = order == null ? vocab : p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        float max = order == null ? Kernels.max(z, 0, vocab) : z[order[0]];
        // Unnormalised probabilities in the order of the (possibly sorted) candidates.
        float[] prob = new float[keep];
        if (order == null) {
            System.arraycopy(z, 0, prob, 0, vocab);
            expShift(prob, max);
        } else {
            for (int i = 0; i < keep; i++) prob[i] = z[order[i]];
            expShift(prob, max);
        }
        double total = 0;
        for (float x : prob) total += x;
        if (p.topP() < 1f) {
            double cum = 0;
            int k = 0;
            while (k < keep) {
                cum += prob[k] / total;
                k++;
                if (cum >= p.topP()) break;
            }
            keep = k;
        }
        if (p.minP() > 0f) {
            double floor = p.minP() * prob[0];
            int k = 1;
            while (k < keep && prob[k] >= floor) k++;
            keep = k;
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) kept += prob[i];
        double u = rng.nextDouble() * kept;
        int chosen = keep - 1;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += prob[i];
            if (u < acc) {
                chosen = i;
                break;
            }
        }
        int token = order == null ? chosen : order[chosen];
        return new Pick(token, (float) Math.log(prob[chosen] / kept), logits[off + token] - rawLse);
    }

    /** x[i] = exp(x[i] − shift), vectorised with r1j's deterministic exp. */
    private static void expShift(float[] x, float shift) {
        var sp = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int i = 0;
        for (; i + sp.length() <= x.length; i += sp.length()) {
            Kernels.exp(jdk.incubator.vector.FloatVector.fromArray(sp, x, i).sub(shift)).intoArray(x, i);
        }
        for (; i < x.length; i++) x[i] = Kernels.exp(x[i] - shift);
    }

    /**
     * Token ids by logit, highest first, ties to the lower id: every truncation (top-k, top-p, min-p) keeps a prefix
     * of this order. Sorted as primitive keys (order-preserving float bits above the id), with no boxing.
     */
    static int[] sortedByLogit(float[] z) {
        long[] keys = new long[z.length];
        for (int i = 0; i < z.length; i++) {
            int bits = Float.floatToIntBits(z[i]);
            int ordered = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // monotone in the float value
            keys[i] = ((long) ~ordered << 32) | i;              // descending value, then ascending id
        }
        java.util.Arrays.sort(keys);
        int[] out = new int[z.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) (keys[i] & 0xFFFFFFFFL);
        return out;
    }
}
