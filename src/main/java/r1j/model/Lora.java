package r1j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.io.AtomicFiles;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.tensor.LowRank;
import r1j.tensor.Seeds;
import r1j.tensor.Tensor;

/**
 * A LoRA adapter for a model, in PEFT's format: adapter_config.json ({@link LoraConfig}) and adapter_model.safetensors
 * with PEFT's tensor names, {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code …lora_B.weight}
 * [out, r]. Attached to a model, every targeted weight carries a {@link LowRank} that its linear layer adds; the base
 * stays frozen (load it with Checkpoint.loadFrozen: 16-bit weights stay 16-bit) and only A and B train.
 */
public final class Lora {
    public static final String WEIGHTS = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";

    private final LoraConfig config;
    /** A and B by PEFT name, in the model's parameter order. */
    private final Map<String, Tensor> tensors;

    private Lora(LoraConfig config, Map<String, Tensor> tensors) {
        this.config = config;
        this.tensors = tensors;
    }

    public LoraConfig config() {
        return config;
    }

    /** PEFT's name of A or B ("lora_A" or "lora_B") for a base weight. */
    public static String peftName(String weightName, String which) {
        return PREFIX + weightName.substring(0, weightName.length() - ".weight".length()) + "." + which + ".weight";
    }

    /**
     * A new adapter as PEFT initialises one: A ~ U(−1/√in, 1/√in) (kaiming-uniform with a = √5), B = 0, so the
     * adapted model starts as the base. Each weight's A is drawn from its own seed.
     */
    public static Lora init(Transformer model, LoraConfig c, long seed) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (var e : model.tensors().entrySet()) {
            String name = e.getKey();
            if (!adapted(c, name, e.getValue())) continue;
            int out = e.getValue().dim(0), in = e.getValue().dim(1);
            float[] a = new float[c.r() * in];
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, name.hashCode()));
            float bound = (float) (1 / Math.sqrt(in));
            for (int i = 0; i < a.length; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            t.put(peftName(name, "lora_A"), Tensor.param(peftName(name, "lora_A"), a, c.r(), in));
            t.put(peftName(name, "lora_B"), Tensor.param(peftName(name, "lora_B"), out, c.r()));
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("LoRA target_modules " + c.target_modules() + " match no weight of this "
                    + model.config().model_type() + " model (e.g. q_proj, v_proj, gate_proj, or all-linear)");
        }
        Lora l = new Lora(c, t);
        l.attach(model);
        return l;
    }

    /** An adapter folder (adapter_config.json + adapter_model.safetensors), attached to the model. */
    public static Lora load(Path dir, Transformer model) throws IOException {
        Lora l = read(dir, model);
        l.attach(model);
        return l;
    }

    /**
     * An adapter folder attached in the given slot of the model's weights, beside others: one of several adapters a
     * server routes each request to ({@link LowRank#routed}); the model's own adapter ({@link Transformer#lora()}) is
     * left as it is.
     */
    public static Lora loadServed(Path dir, Transformer model, int slot) throws IOException {
        Lora l = read(dir, model);
        l.attachWeights(model, slot);
        return l;
    }

    private static Lora read(Path dir, Transformer model) throws IOException {
        LoraConfig c = LoraConfig.read(dir);
        Map<String, Tensor> t = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(dir.resolve(WEIGHTS))) {
            for (var e : model.tensors().entrySet()) {
                String name = e.getKey();
                if (!adapted(c, name, e.getValue())) continue;
                for (String which : List.of("lora_A", "lora_B")) {
                    String pn = peftName(name, which);
                    SafeTensors.Entry entry = st.entries().get(pn);
                    if (entry == null) throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": missing tensor '" + pn + "'");
                    int[] want = which.equals("lora_A") ? new int[] {c.r(), e.getValue().dim(1)} : new int[] {e.getValue().dim(0), c.r()};
                    if (!java.util.Arrays.equals(want, entry.shape())) {
                        throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": tensor '" + pn + "' has shape "
                                + java.util.Arrays.toString(entry.shape()) + " but the model and r imply " + java.util.Arrays.toString(want));
                    }
                    t.put(pn, Tensor.param(pn, st.read(pn), want));
                }
            }
            for (String n : st.entries().keySet()) {
                if (!t.containsKey(n)) throw new IllegalArgumentException(dir.resolve(WEIGHTS) + ": tensor '" + n + "' adapts no weight of this model");
            }
        }
        return new Lora(c, t);
    }

    /** Whether a weight is adapted; MLA's kv_b_proj is refused (the absorbed decoder reads it directly). */
    private static boolean adapted(LoraConfig c, String name, Tensor w) {
        if (!c.targets(name) || w.rank() != 2) return false;
        if (name.endsWith("kv_b_proj.weight")) {
            throw new IllegalArgumentException("LoRA cannot adapt " + name + ": MLA's absorbed decoding reads kv_b_proj "
                    + "directly; leave it out of target_modules");
        }
        return true;
    }

    private void attach(Transformer model) {
        attachWeights(model, 0);
        model.attach(this);
    }

    private void attachWeights(Transformer model, int slot) {
        long id = 0;
        for (var e : model.tensors().entrySet()) {
            String name = e.getKey();
            Tensor a = tensors.get(peftName(name, "lora_A"));
            if (a == null) continue;
            e.getValue().attach(slot, new LowRank(a, tensors.get(peftName(name, "lora_B")), config.scale(), (float) config.lora_dropout(), id++));
        }
    }

    /** A and B of every adapted weight: what the optimizer trains. */
    public List<Tensor> trainable() {
        return new ArrayList<>(tensors.values());
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Writes adapter_config.json and adapter_model.safetensors (float32) into dir. */
    public void save(Path dir, String baseModel) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        Map<String, SafeTensors.Item> items = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) items.put(e.getKey(), new SafeTensors.Item(e.getValue().data, e.getValue().shape()));
        SafeTensors.write(dir.resolve(WEIGHTS), items, DType.F32, Map.of());
        AtomicFiles.writeString(dir.resolve(LoraConfig.FILE), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(config.toJson(baseModel)) + "\n");
    }
}
