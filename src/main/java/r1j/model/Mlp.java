package r1j.model;

import java.util.Map;
import r1j.tensor.Elementwise;
import r1j.tensor.MatMul;
import r1j.tensor.Tensor;

/** The SwiGLU feed-forward (docs/deepseek-v3.md §4.3): down(silu(gate·x) ⊙ up·x), for dense MLPs and every expert. */
final class Mlp {
    private final Tensor gate;
    private final Tensor up;
    private final Tensor down;

    Mlp(Map<String, Tensor> p, String prefix) {
        gate = Weights.get(p, prefix + "gate_proj.weight");
        up = Weights.get(p, prefix + "up_proj.weight");
        down = Weights.get(p, prefix + "down_proj.weight");
    }

    Tensor forward(Tensor x) {
        return MatMul.linear(Elementwise.swiglu(MatMul.linear(x, gate), MatMul.linear(x, up)), down);
    }
}
