package r1j.model;

import r1j.tensor.Tensor;

/** One attention block: MLA for DeepSeek-V3, grouped-query attention for the dense students. */
interface AttentionLayer {
    /**
     * Training / full-sequence form over batch rows of seq tokens, with gradients; the first prefix rows of x, when
     * prefix &gt; 0, are a start shared by every row ({@link r1j.nn.Attention}).
     */
    Tensor forward(Tensor x, int[] pos, int prefix, int batch, int seq);

    /** Inference: appends the new rows' keys to their caches at this layer and attends over each cache. */
    Tensor extend(Tensor x, int layer, CachedRows rows);

    /** Widths of the two cached arrays per token (see {@link KvCache}). */
    int cacheWidthA();

    int cacheWidthB();
}
