package r1j.cli;

import r1j.model.ModelConfig;
import r1j.model.Transformer;

/** A few lines that describe a model: size, active size, and what its KV cache costs per token. */
final class ModelSummary {
    private ModelSummary() {}

    static String describe(Transformer m) {
        ModelConfig c = m.config();
        long cache = m.newCache(1).bytesPerToken();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %d layers, hidden %d, vocab %d%n", c.model_type(), c.num_hidden_layers(),
                c.hidden_size(), c.vocab_size()));
        sb.append(String.format("parameters: %,d (active per token: %,d)%n", m.parameterCount(), m.activeParameterCount()));
        if (c.isDeepseek()) {
            long mha = (long) c.num_hidden_layers() * c.num_attention_heads() * (c.qkHeadDim() + c.v_head_dim()) * 4;
            sb.append(String.format("KV cache: %,d bytes per token (MLA latent %d + rope key %d per layer; full keys and "
                    + "values would take %,d)", cache, c.kv_lora_rank(), c.qk_rope_head_dim(), mha));
        } else {
            sb.append(String.format("KV cache: %,d bytes per token", cache));
        }
        return sb.toString();
    }
}
