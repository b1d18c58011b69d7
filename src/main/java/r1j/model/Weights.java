package r1j.model;

import java.util.Map;
import r1j.tensor.Tensor;

/** Lookups in a model's parameter map that name what is missing. */
final class Weights {
    private Weights() {}

    static Tensor get(Map<String, Tensor> p, String name) {
        Tensor t = p.get(name);
        if (t == null) throw new IllegalArgumentException("missing tensor '" + name + "'");
        return t;
    }
}
