package r1j.model;

/**
 * A dense decoder in the Llama / Qwen2 layout. Fields are the config.json keys of those families, spelled as
 * they are there. (The DeepSeek-V3 configuration, with MLA and MoE keys, builds on the same blocks.)
 */
public record DenseConfig(
        int vocab_size,
        int hidden_size,
        int intermediate_size,
        int num_hidden_layers,
        int num_attention_heads,
        int num_key_value_heads,
        float rms_norm_eps,
        double rope_theta,
        int max_position_embeddings,
        boolean tie_word_embeddings,
        float initializer_range) {

    public DenseConfig {
        if (hidden_size % num_attention_heads != 0) {
            throw new IllegalArgumentException("config: hidden_size " + hidden_size
                    + " is not a multiple of num_attention_heads " + num_attention_heads);
        }
        if (num_attention_heads % num_key_value_heads != 0) {
            throw new IllegalArgumentException("config: num_attention_heads " + num_attention_heads
                    + " is not a multiple of num_key_value_heads " + num_key_value_heads);
        }
    }

    public int headDim() {
        return hidden_size / num_attention_heads;
    }

    /** SwiGLU width as LLaMA sizes it: 8/3·d rounded up to a multiple of 64. */
    public static int swigluWidth(int d) {
        int w = (int) Math.ceil(8.0 * d / 3.0);
        return (w + 63) / 64 * 64;
    }

    /** A GPT-style stack of the given size with untied head, no biases, plain RoPE. */
    public static DenseConfig gpt(int vocab, int d, int layers, int heads, int maxPositions) {
        return new DenseConfig(vocab, d, swigluWidth(d), layers, heads, heads, 1e-5f, 10000.0, maxPositions, false, 0.02f);
    }
}
