package r1j.cluster;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import r1j.model.Transformer;
import r1j.tensor.Tensor;

/**
 * The tensors of a policy that training changes, by name: every trainable one (the adapter alone for LoRA) and the
 * router biases, which the load-balancing rule moves. This is what a worker receives after each update.
 */
record Weights(String[] names, float[][] values) implements Serializable {
    static Weights of(Transformer policy) {
        List<Tensor> ts = changing(policy);
        String[] names = new String[ts.size()];
        float[][] values = new float[ts.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = ts.get(i).name();
            values[i] = ts.get(i).data;
        }
        return new Weights(names, values);
    }

    static List<Tensor> changing(Transformer policy) {
        List<Tensor> out = new ArrayList<>(policy.trainable());
        for (Map.Entry<String, Tensor> e : policy.tensors().entrySet()) {
            if (e.getKey().endsWith("e_score_correction_bias") && !out.contains(e.getValue())) out.add(e.getValue());
        }
        return out;
    }

    long bytes() {
        long n = 0;
        for (float[] v : values) n += 4L * v.length;
        return n;
    }

    /** Copies these values into the same-named tensors of policy. */
    void into(Transformer policy) {
        Map<String, Tensor> byName = new java.util.HashMap<>();
        for (Tensor t : changing(policy)) byName.put(t.name(), t);
        for (int i = 0; i < names.length; i++) {
            Tensor t = byName.get(names[i]);
            if (t == null || t.data.length != values[i].length) {
                throw new IllegalStateException("worker's model has no tensor " + names[i] + " of " + values[i].length + " values");
            }
            System.arraycopy(values[i], 0, t.data, 0, values[i].length);
        }
    }
}
