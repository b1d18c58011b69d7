package r1j.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import r1j.io.WeightFiles;
import r1j.model.ModelConfig;
import r1j.model.ParameterShapes;
import r1j.model.RopeFrequencies;
import r1j.tokenizer.ByteLevel;

/**
 * A Hugging Face model folder (qwen2, qwen3, llama; r1j's dense students are qwen2) as a GGUF file for llama.cpp,
 * with the conventions of its converter (convert_hf_to_gguf.py): llama.cpp's tensor names, Llama's q/k rows permuted
 * from the half-split RoPE layout to interleaved pairs, Llama 3's frequency scaling as a rope_freqs tensor, the
 * hyper-parameters under the architecture's keys, norms and biases in float32, and the byte-level BPE vocabulary,
 * merges, special ids and chat template under tokenizer.*.
 */
public final class GgufExport {
    private GgufExport() {}

    public static void export(Path model, Path out, GgufWriter.TensorType type) throws IOException {
        ModelConfig c = ModelConfig.read(model.resolve("config.json"));
        String arch = switch (c.model_type()) {
            case "qwen2", "qwen3", "llama" -> c.model_type();
            default -> throw new IllegalArgumentException(model + ": GGUF export covers qwen2, qwen3 and llama, not " + c.model_type());
        };
        String scaling = c.rope_scaling() == null ? "default" : c.rope_scaling().kind();
        boolean yarn = scaling.equals("yarn") && !arch.equals("llama") && c.rope_scaling().original_max_position_embeddings() != null
                && c.rope_scaling().mscale() == null && c.rope_scaling().mscale_all_dim() == null;
        if (!List.of("default", "linear").contains(scaling) && !(arch.equals("llama") && scaling.equals("llama3")) && !yarn) {
            throw new IllegalArgumentException(model + ": rope_scaling " + scaling + " is not exported to GGUF yet");
        }
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", arch);
        w.put("general.name", model.toAbsolutePath().getFileName().toString());
        w.put("general.file_type", switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            case BF16 -> 32;
        });
        int hd = c.denseHeadDim();
        w.put(arch + ".vocab_size", c.vocab_size());
        w.put(arch + ".context_length", c.max_position_embeddings());
        w.put(arch + ".embedding_length", c.hidden_size());
        w.put(arch + ".feed_forward_length", c.intermediate_size());
        w.put(arch + ".block_count", c.num_hidden_layers());
        w.put(arch + ".attention.head_count", c.num_attention_heads());
        w.put(arch + ".attention.head_count_kv", c.num_key_value_heads());
        w.put(arch + ".attention.key_length", hd);
        w.put(arch + ".attention.value_length", hd);
        w.put(arch + ".rope.dimension_count", hd);
        w.put(arch + ".rope.freq_base", (float) c.rope_theta());
        w.put(arch + ".attention.layer_norm_rms_epsilon", (float) c.rms_norm_eps());
        if (scaling.equals("linear")) {
            w.put(arch + ".rope.scaling.type", "linear");
            w.put(arch + ".rope.scaling.factor", (float) c.rope_scaling().factorOr1());
        }
        if (yarn) {
            // As the converter writes Qwen's YaRN block: the type, the factor and the context it extends; llama.cpp then
            // applies YaRN's ramp (β_fast 32, β_slow 1) and attention factor 0.1·ln(s) + 1, as transformers does.
            w.put(arch + ".rope.scaling.type", "yarn");
            w.put(arch + ".rope.scaling.factor", (float) c.rope_scaling().yarnFactor(c.max_position_embeddings()));
            w.put(arch + ".rope.scaling.original_context_length", c.rope_scaling().original_max_position_embeddings());
        }
        vocabulary(w, model, c);

        Map<String, int[]> shapes = ParameterShapes.of(c);
        try (WeightFiles st = openWeights(model, shapes.keySet())) {
            for (var e : shapes.entrySet()) {
                String hf = e.getKey();
                int[] shape = e.getValue();
                String name = ggufName(hf);
                // llama.cpp's Llama applies RoPE to interleaved pairs, transformers to the two halves of each head.
                int heads = hf.endsWith("q_proj.weight") ? c.num_attention_heads() : hf.endsWith("k_proj.weight") ? c.num_key_value_heads() : 0;
                boolean permute = arch.equals("llama") && heads > 0;
                GgufWriter.TensorType t = shape.length != 2 ? GgufWriter.TensorType.F32
                        // As the converter does: rows that are not whole Q8_0 blocks fall back to F16.
                        : type == GgufWriter.TensorType.Q8_0 && shape[1] % 32 != 0 ? GgufWriter.TensorType.F16 : type;
                w.tensor(name, shape, t, () -> {
                    float[] v = st.read(hf);
                    return permute ? interleavePairs(v, heads, shape[0] / heads, shape[1]) : v;
                });
            }
            if (scaling.equals("llama3")) {
                float[] divisors = RopeFrequencies.divisors(c);
                w.tensor("rope_freqs.weight", new int[] {divisors.length}, GgufWriter.TensorType.F32, () -> divisors);
            }
            w.write(out);
        }
    }

    /** The GGUF name of a Hugging Face tensor (llama.cpp's llm_tensor names). */
    static String ggufName(String hf) {
        if (hf.equals("model.embed_tokens.weight")) return "token_embd.weight";
        if (hf.equals("model.norm.weight")) return "output_norm.weight";
        if (hf.equals("lm_head.weight")) return "output.weight";
        String[] p = hf.split("\\.");
        if (p.length < 5 || !p[0].equals("model") || !p[1].equals("layers")) throw new IllegalArgumentException("no GGUF name for tensor '" + hf + "'");
        String rest = hf.substring(("model.layers." + p[2] + ".").length());
        String suffix = rest.substring(rest.lastIndexOf('.'));
        String module = rest.substring(0, rest.lastIndexOf('.'));
        String g = switch (module) {
            case "input_layernorm" -> "attn_norm";
            case "post_attention_layernorm" -> "ffn_norm";
            case "self_attn.q_proj" -> "attn_q";
            case "self_attn.k_proj" -> "attn_k";
            case "self_attn.v_proj" -> "attn_v";
            case "self_attn.o_proj" -> "attn_output";
            case "self_attn.q_norm" -> "attn_q_norm";
            case "self_attn.k_norm" -> "attn_k_norm";
            case "mlp.gate_proj" -> "ffn_gate";
            case "mlp.up_proj" -> "ffn_up";
            case "mlp.down_proj" -> "ffn_down";
            default -> throw new IllegalArgumentException("no GGUF name for tensor '" + hf + "'");
        };
        return "blk." + p[2] + "." + g + suffix;
    }

    /**
     * Rows of each head reordered from [first halves; second halves] to interleaved pairs: new row 2i + j is old row
     * j·d/2 + i (the converter's reshape(heads, 2, d/2, in).swapaxes(1, 2)).
     */
    static float[] interleavePairs(float[] w, int heads, int headDim, int in) {
        float[] out = new float[w.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    System.arraycopy(w, (h * headDim + j * half + i) * in, out, (h * headDim + 2 * i + j) * in, in);
                }
            }
        }
        return out;
    }

    /** The converter's does_token_look_special: added tokens such as <|fim_prefix|> are control tokens to llama.cpp. */
    static boolean looksSpecial(String t) {
        return List.of("<pad>", "<mask>", "<cls>", "<sep>", "<s>", "</s>", "<unk>").contains(t)
                || t.startsWith("<|") && t.endsWith("|>") || t.startsWith("<｜") && t.endsWith("｜>");
    }

    /** The folder's weights, single file or shards, checked to hold every tensor config.json implies. */
    private static WeightFiles openWeights(Path model, java.util.Set<String> names) throws IOException {
        WeightFiles w = WeightFiles.open(model);
        for (String n : names) {
            if (!w.names().contains(n)) {
                w.close();
                throw new IllegalArgumentException(model + ": missing tensor '" + n + "' that config.json implies");
            }
        }
        return w;
    }

    /**
     * tokenizer.*: the folder's byte-level BPE (tokens by id, padded to vocab_size with [PADi], special added tokens as
     * control tokens, merges, bos/eos, chat template), or, for a model without a tokenizer, one single-byte token per
     * id so that llama.cpp can load it and be compared by ids.
     */
    private static void vocabulary(GgufWriter w, Path model, ModelConfig c) throws IOException {
        int v = c.vocab_size();
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<String> merges = new ArrayList<>();
        Path tj = model.resolve("tokenizer.json");
        if (Files.isRegularFile(tj)) {
            JsonNode root = new ObjectMapper().readTree(tj.toFile());
            String[] byId = new String[v];
            int[] type = new int[v];
            root.path("model").path("vocab").fields().forEachRemaining(e -> {
                int id = e.getValue().asInt();
                if (id < v) {
                    byId[id] = e.getKey();
                    type[id] = 1;
                }
            });
            for (JsonNode a : root.path("added_tokens")) {
                int id = a.path("id").asInt();
                if (id < v) {
                    byId[id] = a.path("content").asText();
                    type[id] = a.path("special").asBoolean() || looksSpecial(byId[id]) ? 3 : 4;
                }
            }
            for (int i = 0; i < v; i++) {
                tokens.add(byId[i] != null ? byId[i] : "[PAD" + i + "]");
                types.add(byId[i] != null ? type[i] : 5);
            }
            for (JsonNode m : root.path("model").path("merges")) {
                merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
            }
            w.put("tokenizer.ggml.pre", c.model_type().equals("llama") ? "llama-bpe" : "qwen2");
        } else {
            for (int i = 0; i < v; i++) {
                tokens.add(i < 256 ? String.valueOf(ByteLevel.charOf(i)) : "[PAD" + i + "]");
                types.add(1);
            }
        }
        w.put("tokenizer.ggml.model", "gpt2");
        w.put("tokenizer.ggml.tokens", tokens);
        w.put("tokenizer.ggml.token_type", types);
        w.put("tokenizer.ggml.merges", merges);
        if (c.bos_token_id() != null && c.bos_token_id() < v) w.put("tokenizer.ggml.bos_token_id", c.bos_token_id());
        List<Integer> eos = c.eosTokenIds();
        if (!eos.isEmpty() && eos.get(0) < v) w.put("tokenizer.ggml.eos_token_id", eos.get(0));
        Path tc = model.resolve("tokenizer_config.json");
        Integer pad = null;
        if (Files.isRegularFile(tc)) {
            JsonNode cfg = new ObjectMapper().readTree(tc.toFile());
            if (cfg.path("chat_template").isTextual()) w.put("tokenizer.chat_template", cfg.get("chat_template").asText());
            if (cfg.has("add_bos_token")) w.put("tokenizer.ggml.add_bos_token", cfg.get("add_bos_token").asBoolean());
            // The converter's SpecialVocab: tokenizer_config.json's pad_token (a string, or an object's content) by its
            // id in the vocabulary first, config.json's pad_token_id otherwise (Qwen's pad is <|endoftext|>).
            JsonNode p = cfg.path("pad_token");
            String padText = p.isTextual() ? p.asText() : p.path("content").isTextual() ? p.get("content").asText() : null;
            int at = padText == null ? -1 : tokens.indexOf(padText);
            if (at >= 0) pad = at;
        }
        if (pad == null && c.extras() != null && c.extras().keys().get("pad_token_id") instanceof Number n && n.intValue() >= 0
                && n.intValue() < v) {
            pad = n.intValue();
        }
        if (pad != null) w.put("tokenizer.ggml.padding_token_id", pad);
    }
}
