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

    /**
     * The same step, returning only what sampling reads: logits [sequences, vocab], row s those of sequence s's last new
     * token (zeros for a sequence given no new tokens). A model computes the LM head for those rows alone — at a real
     * vocabulary the head over a whole prompt is a large share of a prefill's work. Each row equals the matching row
     * of {@link #extend}.
     */
    default Tensor extendLast(KvCache[] caches, int[][] tokens) {
        Tensor all = extend(caches, tokens);
        int vocab = config().vocab_size();
        float[] out = new float[caches.length * vocab];
        int end = 0;
        for (int s = 0; s < caches.length; s++) {
            end += tokens[s].length;
            if (tokens[s].length > 0) System.arraycopy(all.data, (end - 1) * vocab, out, s * vocab, vocab);
        }
        return Tensor.of(out, new int[] {caches.length, vocab});
    }
}
