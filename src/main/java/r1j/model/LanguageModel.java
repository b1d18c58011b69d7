package r1j.model;

import r1j.tensor.Tensor;

/**
 * What generation needs of a causal language model: its configuration, an empty cache per sequence, and a batched
 * step that feeds new tokens of several sequences from their caches. {@link Transformer} is the one r1j trains; a
 * test may wrap it (to make a step fail, or wait).
 */
public interface LanguageModel {
    ModelConfig config();

    /** An empty cache for one sequence, with room for capacity tokens (it grows when needed). */
    KvCache newCache(int capacity);

    /**
     * Logits [Σ new tokens, vocab] of the new tokens of every sequence, in order, each continuing from its cache. A
     * call that throws leaves every cache as it was (a failed step may be tried again).
     */
    Tensor extend(KvCache[] caches, int[][] tokens);
}
