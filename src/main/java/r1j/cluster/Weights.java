package r1j.cluster;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import r1j.model.Transformer;
import r1j.tensor.Tensor;

/**
 * The tensors of a policy that training changes, by name: every trainable one (the adapter alone for LoRA) and the
 * router biases, which the load-balancing rule moves. This is what a worker receives after each update.
 */
record Weights(String[] names, float[][] values) implements Serializable {
    static Weights of(Transformer policy) {
        Map<String, Tensor> ts = changing(policy);
        String[] names = ts.keySet().toArray(String[]::new);
        float[][] values = new float[names.length][];
        for (int i = 0; i < names.length; i++) values[i] = ts.get(names[i]).data;
        return new Weights(names, values);
    }

    /** By checkpoint name (a LoRA run's adapter by its PEFT name): what AdamW and the balancing rule change. */
    static Map<String, Tensor> changing(Transformer policy) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : policy.tensors().entrySet()) {
            if (e.getValue().requiresGrad() || e.getKey().endsWith("e_score_correction_bias")) out.put(e.getKey(), e.getValue());
        }
        if (policy.lora() != null) out.putAll(policy.lora().tensors());
        return out;
    }

    long bytes() {
        long n = 0;
        for (float[] v : values) n += 4L * v.length;
        return n;
    }

    /** Copies these values into the same-named tensors of policy. */
    void into(Transformer policy) {
        Map<String, Tensor> byName = changing(policy);
        for (int i = 0; i < names.length; i++) {
            Tensor t = byName.get(names[i]);
            if (t == null || t.data.length != values[i].length) {
                throw new IllegalStateException("worker's model has no tensor " + names[i] + " of " + values[i].length + " values");
            }
            System.arraycopy(values[i], 0, t.data, 0, values[i].length);
        }
    }
}
