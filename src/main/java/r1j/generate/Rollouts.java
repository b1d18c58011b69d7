package r1j.generate;

import java.util.List;
import java.util.Map;
import r1j.model.Transformer;
import r1j.tensor.FrozenDtype;
import r1j.tokenizer.Tokenizer;

/**
 * Where samples are drawn — GRPO's rollouts, an evaluation's or rejection sampling's samples: in this JVM ({@link #local}), or on worker JVMs
 * (r1j.cluster). Every request carries its own seed and a row's result does not depend on its batch, so the
 * completions are the same wherever they are sampled.
 */
public interface Rollouts extends AutoCloseable {
    /**
     * Samples group completions for each request from policy as it is after {@code version} updates (the workers are
     * brought to that version first); returns them in request order.
     */
    List<List<Completion>> generate(Transformer policy, long version, int[] sharedPrefix, List<Generator.Request> requests, int group,
                                    SamplingParams p);

    /** What the last call cost beyond sampling (the cluster's weight sync), as metrics fields; empty when local. */
    default Map<String, Object> lastCost() {
        return Map.of();
    }

    @Override
    default void close() {}

    /** Sampling in this JVM. */
    static Rollouts local(Tokenizer tok) {
        return local(tok, FrozenDtype.STORED);
    }

    /** Sampling in this JVM with the policy's weights read in dtype (8-bit rollouts: {@link FrozenDtype#Q8}). */
    static Rollouts local(Tokenizer tok, FrozenDtype dtype) {
        return (policy, version, prefix, requests, group, p) -> new Generator(policy, tok,
                Math.max(1, requests.size() * group), dtype).generate(prefix, requests, group, p, null);
    }
}
