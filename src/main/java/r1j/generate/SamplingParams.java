package r1j.generate;

import java.util.List;

/**
 * How to sample (the vLLM/HF knobs): temperature (0 = greedy), top-p nucleus, top-k, min-p (keep tokens with at least
 * min_p × the top probability), repetition penalty (CTRL's: divide positive logits of seen tokens by it, multiply
 * negative ones), the length limit, and what ends a completion: stop strings and stop tokens.
 */
public record SamplingParams(float temperature, float topP, int topK, float minP, float repetitionPenalty,
                             int maxNewTokens, List<String> stopStrings, int[] stopTokens) implements java.io.Serializable {
    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
        if (!(topP > 0) || topP > 1) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (topK < 0) throw new IllegalArgumentException("top_k must be ≥ 0 (0 = off), got " + topK);
        if (!(minP >= 0) || minP >= 1) throw new IllegalArgumentException("min_p must be in [0, 1), got " + minP);
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        if (maxNewTokens < 1) throw new IllegalArgumentException("max_new_tokens must be ≥ 1, got " + maxNewTokens);
        stopStrings = List.copyOf(stopStrings);
        stopTokens = stopTokens.clone();
    }

    /** Greedy decoding of at most maxNewTokens, ended by any of stopTokens. */
    public static SamplingParams greedy(int maxNewTokens, int... stopTokens) {
        return builder().temperature(0f).maxNewTokens(maxNewTokens).stopTokens(stopTokens).build();
    }

    /** Sampling at a temperature with nucleus top-p, at most maxNewTokens, ended by any of stopTokens. */
    public static SamplingParams sample(float temperature, float topP, int maxNewTokens, int... stopTokens) {
        return builder().temperature(temperature).topP(topP).maxNewTokens(maxNewTokens).stopTokens(stopTokens).build();
    }

    /** The same with these stop strings. */
    public SamplingParams withStopStrings(List<String> stops) {
        return toBuilder().stopStrings(stops).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to change some by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sampling by name; a field's initial value is its default (plain sampling at temperature 1, 256 tokens). */
    public static final class Builder {
        private float temperature = 1f;
        private float topP = 1f;
        private int topK;
        private float minP;
        private float repetitionPenalty = 1f;
        private int maxNewTokens = 256;
        private List<String> stopStrings = List.of();
        private int[] stopTokens = new int[0];

        private Builder() {}

        private Builder(SamplingParams p) {
            temperature = p.temperature; topP = p.topP; topK = p.topK; minP = p.minP; repetitionPenalty = p.repetitionPenalty;
            maxNewTokens = p.maxNewTokens; stopStrings = p.stopStrings; stopTokens = p.stopTokens;
        }

        public SamplingParams build() {
            return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, maxNewTokens, stopStrings, stopTokens);
        }

        /** Softmax temperature; 0 is greedy. */
        public Builder temperature(float v) { temperature = v; return this; }
        /** Nucleus sampling: the smallest set of tokens whose probability reaches top_p (1: off). */
        public Builder topP(float v) { topP = v; return this; }
        /** Only the k most likely tokens (0: off). */
        public Builder topK(int v) { topK = v; return this; }
        /** Only tokens with at least min_p × the top probability (0: off). */
        public Builder minP(float v) { minP = v; return this; }
        /** CTRL's repetition penalty (1: off). */
        public Builder repetitionPenalty(float v) { repetitionPenalty = v; return this; }
        /** The longest completion, in tokens. */
        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        /** Strings that end a completion (not included in it). */
        public Builder stopStrings(List<String> v) { stopStrings = v; return this; }
        /** Tokens that end a completion (EOS and the like). */
        public Builder stopTokens(int... v) { stopTokens = v; return this; }
    }

    public boolean isStopToken(int t) {
        for (int s : stopTokens) if (s == t) return true;
        return false;
    }
}
