package r1j.generate;

/**
 * One sampled completion: its tokens (a final stop token included, as the policy emitted it), its text (without
 * special tokens, cut before a stop string), the log-probability of each token under the sampling distribution and
 * under the unmodified model (temperature 1, no truncation: what GRPO's ratio needs), and why it ended.
 */
public record Completion(int[] tokens, String text, float[] sampleLogprobs, float[] modelLogprobs, Finish finish) implements java.io.Serializable {
    /** Why a completion ended: a stop token or string, or the length limit. */
    public enum Finish {
        /** a stop token or stop string */
        STOP,
        /** max_new_tokens reached */
        LENGTH;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
