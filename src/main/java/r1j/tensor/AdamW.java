package r1j.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * AdamW (Loshchilov &amp; Hutter 2019): Adam with bias correction and decoupled weight decay,
 * θ ← θ − lr·(m̂ / (√v̂ + ε) + λ·θ), as torch.optim.AdamW. Decay applies to the parameters the predicate selects
 * (by default matrices, not norms or biases, as nanoGPT). Moments are float32 and kept by the optimizer, so they
 * can be saved for an exact resume.
 */
public final class AdamW {
    /** AdamW's β1, β2, ε and decoupled weight decay. */
    public record Config(float beta1, float beta2, float eps, float weightDecay) {
        /**
         * β = (0.9, 0.95) and ε = 1e-8 as nanoGPT and DeepSeek-V3's pretraining (the jobs' settings take their
         * defaults from here; GRPO keeps β2 = 0.99), weight decay 0.1.
         */
        public static Config defaults() {
            return new Config(0.9f, 0.95f, 1e-8f, 0.1f);
        }
    }

    private final List<Tensor> params;
    private final boolean[] decay;
    private final float[][] m;
    private final float[][] v;
    private final Config cfg;
    private long step;

    public AdamW(List<Tensor> params, Config cfg) {
        this(params, cfg, p -> p.rank() >= 2);
    }

    public AdamW(List<Tensor> params, Config cfg, Predicate<Tensor> decays) {
        this.params = new ArrayList<>(params);
        this.cfg = cfg;
        this.decay = new boolean[params.size()];
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (!p.requiresGrad()) throw new IllegalArgumentException("AdamW: '" + p.name() + "' is not trainable");
            decay[i] = decays.test(p);
            m[i] = new float[p.numel()];
            v[i] = new float[p.numel()];
        }
    }

    public long steps() {
        return step;
    }

    /**
     * One update at learning rate lr from the accumulated gradients. A parameter that received no gradient (an expert
     * no token was routed to) is updated as with a zero gradient: whether its gradient buffer happens to exist must
     * not change the result, or a resumed run would differ from an uninterrupted one.
     */
    public void step(float lr) {
        step++;
        float b1 = cfg.beta1(), b2 = cfg.beta2(), eps = cfg.eps();
        float bc1 = (float) (1 - Math.pow(b1, step)), bc2 = (float) (1 - Math.pow(b2, step));
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] g = p.grad() != null ? p.grad() : zeros(p.numel());
            float[] w = p.data, mi = m[i], vi = v[i];
            float wd = decay[i] ? 1f - lr * cfg.weightDecay() : 1f;
            Parallel.range(w.length, 1 << 15, (c, lo, hi) -> {
                for (int j = lo; j < hi; j++) {
                    float gj = g[j];
                    mi[j] = b1 * mi[j] + (1 - b1) * gj;
                    vi[j] = b2 * vi[j] + (1 - b2) * gj * gj;
                    float mh = mi[j] / bc1, vh = vi[j] / bc2;
                    w[j] = w[j] * wd - lr * mh / ((float) Math.sqrt(vh) + eps);
                }
            });
        }
    }

    private float[] zeros;

    private float[] zeros(int n) {
        if (zeros == null || zeros.length < n) zeros = new float[n];
        return zeros;
    }

    /** The optimizer state for checkpoints: the step count and both moments of every parameter. */
    public float[][] firstMoments() {
        return m;
    }

    public float[][] secondMoments() {
        return v;
    }

    public void restore(long steps, float[][] first, float[][] second) {
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(first[i], 0, m[i], 0, m[i].length);
            System.arraycopy(second[i], 0, v[i], 0, v[i].length);
        }
        this.step = steps;
    }

    /**
     * Scales all gradients so that their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_).
     * Returns the norm before clipping.
     */
    public static float clipGradNorm(List<Tensor> params, float maxNorm) {
        double sq = 0;
        for (Tensor p : params) {
            float[] g = p.grad();
            if (g != null) for (float x : g) sq += (double) x * x;
        }
        float norm = (float) Math.sqrt(sq);
        if (norm > maxNorm && norm > 0) {
            float s = maxNorm / (norm + 1e-6f);
            for (Tensor p : params) if (p.grad() != null) Kernels.scale(s, p.grad(), 0, p.numel());
        }
        return norm;
    }
}
