package r1j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import r1j.tensor.FrozenDtype;
import r1j.tensor.Gemm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import r1j.model.ModelConfig;
import r1j.model.ParameterShapes;
import r1j.model.Transformer;
import java.util.SplittableRandom;
import r1j.tensor.Init;
import r1j.tensor.Tensor;

/**
 * A model folder in the Hugging Face layout: config.json, generation_config.json, and model.safetensors, or shards
 * model-0000i-of-0000n.safetensors with model.safetensors.index.json. Every file is written atomically.
 */
public final class Checkpoint {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {}

    /** Saves in one file when the weights fit in shardBytes, else in shards of at most shardBytes each. */
    public static void save(Transformer model, Path dir, DType dtype, long shardBytes) throws IOException {
        Map<String, SafeTensors.Item> all = new LinkedHashMap<>();
        for (var e : model.tensors().entrySet()) {
            Tensor t = e.getValue();
            all.put(e.getKey(), new SafeTensors.Item(t.shape(), t::values));
        }
        for (var e : ParameterShapes.mtpCopies(model.config()).entrySet()) {
            Tensor src = model.tensors().get(e.getValue());
            all.put(e.getKey(), new SafeTensors.Item(src.shape(), src::values));
        }
        save(model.config(), all, dir, dtype, shardBytes);
    }

    /**
     * A freshly initialised checkpoint written tensor by tensor (each drawn from its own seed, by the rules of
     * {@link Transformer#init}), so a model of billions of parameters is written with one tensor in memory at a time:
     * how r1j makes Hub-layout test checkpoints of real configurations.
     */
    public static void saveRandom(ModelConfig cfg, Path dir, DType dtype, long seed, long shardBytes) throws IOException {
        Map<String, SafeTensors.Item> all = new LinkedHashMap<>();
        for (var e : ParameterShapes.of(cfg).entrySet()) {
            String name = e.getKey();
            all.put(name, new SafeTensors.Item(e.getValue(), () -> {
                float[] v = new float[Math.toIntExact(numel(e.getValue()))];
                if (ParameterShapes.isRandomInit(name)) {
                    Init.normal(v, (float) cfg.initializer_range(), new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L));
                } else {
                    Init.fill(v, ParameterShapes.initialValue(name));
                }
                return v;
            }));
        }
        save(cfg, all, dir, dtype, shardBytes);
    }

    /**
     * Folds a LoRA adapter into its base: W' = W + s·B·A for every adapted weight, every other tensor copied, written
     * tensor by tensor in the base's stored dtype (so a 16-bit model needs one float32 tensor in memory at a time).
     * config.json and generation_config.json are the base's; the tokenizer comes from the adapter folder if it has
     * one, else from the base.
     */
    public static void mergeLora(Path base, Path adapter, Path out) throws IOException {
        ModelConfig cfg = ModelConfig.read(base.resolve(CONFIG));
        r1j.model.LoraConfig lc = r1j.model.LoraConfig.read(adapter);
        Map<String, Path> fileOf = WeightFiles.index(base);
        Map<String, int[]> expected = ParameterShapes.of(cfg);
        DType stored = DType.F32;
        List<SafeTensors> open = new ArrayList<>();
        try (SafeTensors ad = SafeTensors.open(adapter.resolve(r1j.model.Lora.WEIGHTS))) {
            Map<Path, SafeTensors> byFile = new LinkedHashMap<>();
            for (Path f : new java.util.LinkedHashSet<>(fileOf.values())) {
                SafeTensors st = SafeTensors.open(f);
                open.add(st);
                byFile.put(f, st);
            }
            Map<String, SafeTensors.Item> all = new LinkedHashMap<>();
            int adapted = 0;
            for (var e : expected.entrySet()) {
                String name = e.getKey();
                SafeTensors st = byFile.get(fileOf.get(name));
                if (st == null) throw new IllegalArgumentException(base + ": missing tensor '" + name + "' that config.json implies");
                if (e.getValue().length == 2) stored = st.entries().get(name).dtype();
                String an = r1j.model.Lora.peftName(name, "lora_A"), bn = r1j.model.Lora.peftName(name, "lora_B");
                boolean merge = lc.targets(name) && ad.entries().containsKey(an);
                if (merge) adapted++;
                int[] shape = e.getValue();
                all.put(name, new SafeTensors.Item(shape, () -> {
                    float[] w = st.read(name);
                    if (merge) {
                        float[] a = ad.read(an), b = ad.read(bn), delta = new float[w.length];
                        // ΔW [out, in] = B [out, r] · A [r, in]
                        r1j.tensor.Gemm.gemm(shape[0], shape[1], lc.r(), r1j.tensor.Gemm.Operand.of(b, 0, lc.r()),
                                r1j.tensor.Gemm.Operand.of(a, 0, shape[1]),
                                r1j.tensor.Gemm.Operand.of(delta, 0, shape[1]), false);
                        float s = lc.scale();
                        for (int i = 0; i < w.length; i++) w[i] += s * delta[i];
                    }
                    return w;
                }));
            }
            if (adapted == 0) throw new IllegalArgumentException(adapter + ": the adapter adapts no weight of " + base);
            save(cfg, all, out, stored, 5_000_000_000L);
            Path tokSrc = java.nio.file.Files.isRegularFile(adapter.resolve("tokenizer.json")) ? adapter : base;
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json")) {
                if (java.nio.file.Files.isRegularFile(tokSrc.resolve(f))) {
                    java.nio.file.Files.copy(tokSrc.resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (java.nio.file.Files.isRegularFile(base.resolve("generation_config.json"))) {
                java.nio.file.Files.copy(base.resolve("generation_config.json"), out.resolve("generation_config.json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (SafeTensors st : open) st.close();
        }
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    private static void save(ModelConfig model, Map<String, SafeTensors.Item> all, Path dir, DType dtype, long shardBytes)
            throws IOException {
        Files.createDirectories(dir);
        // config.json states the dtype the weights are stored in, as transformers writes it.
        ModelConfig c = model.withTorchDtype(switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
        });
        List<Map<String, SafeTensors.Item>> shards = new ArrayList<>();
        Map<String, SafeTensors.Item> cur = new LinkedHashMap<>();
        long curBytes = 0;
        for (var e : all.entrySet()) {
            long b = e.getValue().numel() * dtype.bytes;
            if (!cur.isEmpty() && curBytes + b > shardBytes) {
                shards.add(cur);
                cur = new LinkedHashMap<>();
                curBytes = 0;
            }
            cur.put(e.getKey(), e.getValue());
            curBytes += b;
        }
        shards.add(cur);
        if (shards.size() == 1) {
            writeShard(dir.resolve(WEIGHTS), shards.get(0), dtype);
            Files.deleteIfExists(dir.resolve(INDEX));
        } else {
            Map<String, String> weightMap = new TreeMap<>();
            long total = 0;
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                writeShard(dir.resolve(name), shards.get(i), dtype);
                for (var e : shards.get(i).entrySet()) {
                    weightMap.put(e.getKey(), name);
                    total += e.getValue().numel() * dtypeOf(e.getKey(), dtype).bytes;
                }
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("metadata", Map.of("total_size", total));
            index.put("weight_map", weightMap);
            AtomicFiles.writeString(dir.resolve(INDEX), JSON.writeValueAsString(index) + "\n");
            Files.deleteIfExists(dir.resolve(WEIGHTS));
        }
        AtomicFiles.writeString(dir.resolve(CONFIG), c.toJson());
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("bos_token_id", c.bos_token_id());
        gen.put("eos_token_id", c.eos_token_id());
        gen.put("do_sample", true);
        gen.put("temperature", 0.6);
        gen.put("top_p", 0.95);
        AtomicFiles.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(gen) + "\n");
    }

    /** The router bias stays float32 whatever the dtype (HF keeps it in fp32). */
    private static DType dtypeOf(String name, DType dtype) {
        return ParameterShapes.isBuffer(name) ? DType.F32 : dtype;
    }

    private static void writeShard(Path file, Map<String, SafeTensors.Item> items, DType dtype) throws IOException {
        SafeTensors.write(file, items, name -> dtypeOf(name, dtype), Map.of());
    }

    /** Loads a model folder. In strict mode a tensor the config does not expect is an error; otherwise ignored. */
    public static Transformer load(Path dir, boolean strict) throws IOException {
        return load(dir, strict, false, FrozenDtype.STORED);
    }

    /**
     * Loads a model that will not be trained (generation, evaluation, a reference or a judge): weights stored in
     * 16 bits stay 16-bit, packed for the kernel, instead of becoming float32 (half the memory of a bf16 file's
     * float32 copy; the arithmetic, in float32, is unchanged).
     */
    public static Transformer loadFrozen(Path dir) throws IOException {
        return load(dir, false, true, FrozenDtype.STORED);
    }

    /** A frozen model with a LoRA adapter folder applied (none when adapter is null): what generate, eval, chat and serve load. */
    public static Transformer loadFrozen(Path dir, Path adapter) throws IOException {
        return loadFrozen(dir, adapter, FrozenDtype.STORED);
    }

    /**
     * A frozen model whose matrices are held in dtype (with {@link FrozenDtype#Q8}, every matrix a 16-bit model keeps
     * 16-bit, and float32 ones too, becomes 8-bit Q8_0 blocks), with a LoRA adapter folder applied (none when null).
     */
    public static Transformer loadFrozen(Path dir, Path adapter, FrozenDtype dtype) throws IOException {
        Transformer m = load(dir, false, true, dtype);
        if (adapter != null) r1j.model.Lora.load(adapter, m);
        return m;
    }

    private static Transformer load(Path dir, boolean strict, boolean frozen, FrozenDtype dtype) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such model folder");
        ModelConfig cfg = ModelConfig.read(dir.resolve(CONFIG));
        Map<String, int[]> expected = ParameterShapes.of(cfg);
        Map<String, String> copies = ParameterShapes.mtpCopies(cfg);
        Map<String, Path> fileOf = WeightFiles.index(dir);
        Map<String, Tensor> tensors = new HashMap<>();
        Map<Path, List<String>> byFile = new LinkedHashMap<>();
        for (var e : fileOf.entrySet()) byFile.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        for (var f : byFile.entrySet()) {
            try (SafeTensors st = SafeTensors.open(f.getKey())) {
                for (var entry : st.entries().values()) {
                    String name = entry.name();
                    if (!fileOf.containsKey(name) || !fileOf.get(name).equals(f.getKey())) continue;
                    if (copies.containsKey(name)) continue;
                    int[] shape = expected.get(name);
                    if (shape == null) {
                        if (strict) throw new IllegalArgumentException(f.getKey() + ": unexpected tensor '" + name + "' (strict mode)");
                        continue;
                    }
                    if (!Arrays.equals(shape, entry.shape())) {
                        throw new IllegalArgumentException(f.getKey() + ": tensor '" + name + "' has shape "
                                + Arrays.toString(entry.shape()) + " but config.json implies " + Arrays.toString(shape));
                    }
                    boolean matrix = frozen && shape.length == 2 && ParameterShapes.isCompactable(name);
                    Tensor t;
                    if (matrix && dtype == FrozenDtype.Q8) {
                        t = Tensor.frozen(name, entry.dtype() == DType.F32 ? Gemm.packQ8(st.read(name), shape[0], shape[1])
                                : Gemm.packQ8(st.readPacked16(name)));
                    } else if (matrix && entry.dtype() != DType.F32) {
                        t = Tensor.frozen(name, st.readPacked16(name));
                    } else {
                        t = Tensor.of(st.read(name), shape);
                    }
                    tensors.put(name, t);
                }
            }
        }
        for (String name : expected.keySet()) {
            if (!tensors.containsKey(name)) {
                throw new IllegalArgumentException(dir + ": missing tensor '" + name + "' that config.json implies");
            }
        }
        return Transformer.of(cfg, tensors, !frozen);
    }
}
