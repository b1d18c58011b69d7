package r1j.train;

import java.util.List;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;

/**
 * How every job ends a step once its gradients are in the parameters: global-norm clipping, the guard against
 * non-finite steps ({@link NumericGuard}), then AdamW at the step's learning rate.
 *
 * @param params the trainable parameters
 * @param opt their optimiser
 * @param guard skips (and after three in a row stops) steps whose loss or gradient is not finite
 * @param clip the global gradient-norm limit
 */
public record OptimizerStep(List<Tensor> params, AdamW opt, NumericGuard guard, float clip) {
    /** The gradient norm before clipping, and whether the weights were updated. */
    public record Applied(float gradNorm, boolean updated) {}

    /** Clears the gradients before a backward. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** Clips, checks and applies the update of step (1-based), whose loss was loss. */
    public Applied apply(long step, double loss, float rate) {
        float norm = AdamW.clipGradNorm(params, clip);
        boolean updated = guard.allows(step, loss, norm);
        if (updated) opt.step(rate);
        return new Applied(norm, updated);
    }
}
