package r1j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What each job needs in memory for a model, counted from its config and stored dtype, so a user learns before
 * starting whether a job fits the heap. Weights, optimizer state and caches are exact counts; activations are an
 * estimate of what the autograd graph keeps per token (docs/architecture.md, "Memory").
 *
 * @param storedBytesPerWeight 2 for a bf16/f16 checkpoint, 4 for float32
 */
public record MemoryPlan(ModelConfig config, int storedBytesPerWeight) {
    /** One job's need in bytes, and what it consists of. */
    public record Need(String job, long bytes, String parts) {}

    public long parameters() {
        long n = 0;
        for (int[] s : ParameterShapes.of(config).values()) n += numel(s);
        return n;
    }

    /** Weights of a frozen model: compactable matrices in their stored width, the rest float32. */
    public long frozenWeightBytes() {
        long b = 0;
        for (var e : ParameterShapes.of(config).entrySet()) {
            long n = numel(e.getValue());
            b += e.getValue().length == 2 && ParameterShapes.isCompactable(e.getKey()) ? n * storedBytesPerWeight : n * 4;
        }
        return b;
    }

    /** The KV cache per token of one sequence: both of {@link KvCache}'s layouts, float32. */
    public long cacheBytesPerToken() {
        ModelConfig c = config;
        long width = c.isDeepseek() ? c.kv_lora_rank() + c.qk_rope_head_dim() : 2L * c.num_key_value_heads() * c.denseHeadDim();
        return 2L * c.num_hidden_layers() * width * Float.BYTES;
    }

    /**
     * Float32 values the autograd graph keeps per token in training, with their gradients: per layer the residual
     * stream, norms, projections and attention output (≈ 8·hidden + the K/V width) and the MLP's four intermediate
     * rows (the LM head's share is {@link #headBytes}).
     */
    public long activationBytesPerToken() {
        ModelConfig c = config;
        int inter = c.isDeepseek() && c.moe_intermediate_size() != null
                ? Math.max(c.intermediate_size(), (c.num_experts_per_tok() + c.n_shared_experts()) * c.moe_intermediate_size())
                : c.intermediate_size();
        long perLayer = 8L * c.hidden_size() + cacheBytesPerToken() / (2L * c.num_hidden_layers() * Float.BYTES) + 4L * inter;
        // During the backward each kept value gains a gradient buffer of its size: twice the values at the peak
        // (measured: LoRA SFT of a 0.5B model on 1,024 tokens needs more than 4.6 GB of activations; this says 5.2).
        return 2 * perLayer * c.num_hidden_layers() * Float.BYTES;
    }

    /**
     * The LM head's logits for tokens positions: with their softmax and gradient (3 floats per vocabulary entry per
     * token), or, past Transformer's limit, two chunks of the checkpointed head.
     */
    public long headBytes(long tokens) {
        long v = config.vocab_size();
        return tokens * v > Transformer.HEAD_LOGITS_LIMIT ? 2L * Math.min(Transformer.HEAD_CHUNK_FLOATS, tokens * v) * Float.BYTES
                : 3L * v * tokens * Float.BYTES;
    }

    /** The needs of inference with batch sequences of context tokens, and of full training on tokens per micro-batch. */
    public List<Need> needs(int batch, int context, int tokens) {
        long frozen = frozenWeightBytes(), full = 16L * parameters();
        long cache = (long) batch * context * cacheBytesPerToken(), logits = 2L * batch * config.vocab_size() * Float.BYTES;
        long acts = (long) tokens * activationBytesPerToken() + headBytes(tokens);
        List<Need> out = new ArrayList<>();
        out.add(new Need("generate, eval, chat", frozen + cache + logits,
                "weights " + gb(frozen) + " + KV cache " + gb(cache) + " (" + batch + " × " + context + " tokens)"));
        out.add(new Need("sft, pretrain (full)", full + acts,
                "weights, gradients, AdamW moments " + gb(full) + " (16 B/parameter) + activations " + gb(acts)
                        + " (" + tokens + " tokens)"));
        out.add(new Need("grpo (full)", full + frozen + cache + acts,
                "policy with AdamW " + gb(full) + " + frozen reference " + gb(frozen) + " + rollouts' KV cache "
                        + gb(cache) + " + activations " + gb(acts)));
        LoraConfig lora = LoraConfig.defaults();
        long adapter = 16L * adapterParameters(lora);
        out.add(new Need("sft, grpo (LoRA r=" + lora.r() + ")", frozen + adapter + cache + acts,
                "frozen base " + gb(frozen) + " (its own reference) + adapter with AdamW " + gb(adapter) + " ("
                        + String.join(",", lora.target_modules()) + ") + KV cache " + gb(cache) + " + activations " + gb(acts)));
        // With gradient checkpointing only each layer's input is kept, and one layer's activations during its backward.
        long layers = config.num_hidden_layers();
        long checkpointed = (long) tokens * (layers * config.hidden_size() * Float.BYTES + activationBytesPerToken() / layers)
                + headBytes(tokens);
        out.add(new Need("… with --gradient-checkpointing", frozen + adapter + cache + checkpointed,
                "the same with activations " + gb(checkpointed) + " (each layer's input, and one layer recomputed at a time)"));
        return out;
    }

    /** A and B of every weight the adapter targets: r·(in + out) each. */
    public long adapterParameters(LoraConfig lora) {
        long n = 0;
        for (var e : ParameterShapes.of(config).entrySet()) {
            if (e.getValue().length == 2 && lora.targets(e.getKey())) n += (long) lora.r() * (e.getValue()[0] + e.getValue()[1]);
        }
        return n;
    }

    public static String gb(long bytes) {
        return String.format("%.2f GB", bytes / 1e9);
    }

    private static long numel(int[] s) {
        long n = 1;
        for (int d : s) n *= d;
        return n;
    }
}
