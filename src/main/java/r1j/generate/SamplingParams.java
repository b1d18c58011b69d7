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

    public static SamplingParams greedy(int maxNewTokens, int... stopTokens) {
        return new SamplingParams(0f, 1f, 0, 0f, 1f, maxNewTokens, List.of(), stopTokens);
    }

    public static SamplingParams sample(float temperature, float topP, int maxNewTokens, int... stopTokens) {
        return new SamplingParams(temperature, topP, 0, 0f, 1f, maxNewTokens, List.of(), stopTokens);
    }

    public SamplingParams withStopStrings(List<String> stops) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, maxNewTokens, stops, stopTokens);
    }

    public boolean isStopToken(int t) {
        for (int s : stopTokens) if (s == t) return true;
        return false;
    }
}
