package r1j.reward;

import java.util.Map;

/**
 * What a reward sees: the prompt, the completion, the reference answer (may be null for prompts without one) and
 * metadata such as {@code language} (the prompt's language), {@code percent} (the problem asks for a percentage)
 * or {@code completion_tokens}.
 */
public record Sample(String prompt, String completion, String answer, Map<String, Object> metadata) {
    public Sample {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static Sample of(String prompt, String completion, String answer) {
        return new Sample(prompt, completion, answer, Map.of());
    }

    public String meta(String key) {
        Object v = metadata.get(key);
        return v == null ? null : v.toString();
    }

    public Sample withCompletion(String c) {
        return new Sample(prompt, c, answer, metadata);
    }
}
