package r1j.model;

import r1j.nn.RopeTable;

/**
 * RoPE frequencies for a config: plain θ^(−2i/d), or YaRN's (docs/deepseek-v3.md §4.5; Peng et al. 2023) when
 * rope_scaling is YaRN: frequencies below the beta_slow correction dimension are divided by the factor,
 * those above beta_fast kept, with a linear ramp between, and cos/sin scaled by m(s, mscale)/m(s, mscale_all_dim).
 */
final class Yarn {
    private Yarn() {}

    static RopeTable table(ModelConfig c) {
        int dim = c.isDeepseek() ? c.qk_rope_head_dim() : c.denseHeadDim();
        RopeScaling rs = c.rope_scaling();
        if (rs == null) return RopeTable.standard(dim, c.rope_theta());
        double theta = c.rope_theta(), s = rs.factorOr1();
        int l0 = rs.original_max_position_embeddings();
        double fast = rs.beta_fast() == null ? 32 : rs.beta_fast(), slow = rs.beta_slow() == null ? 1 : rs.beta_slow();
        double low = Math.max(Math.floor(correctionDim(fast, dim, theta, l0)), 0);
        double high = Math.min(Math.ceil(correctionDim(slow, dim, theta, l0)), dim - 1);
        if (low == high) high += 0.001;
        double[] f = new double[dim / 2];
        for (int i = 0; i < f.length; i++) {
            double base = 1.0 / Math.pow(theta, 2.0 * i / dim);
            double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
            double keep = 1 - ramp;
            f[i] = base / s * (1 - keep) + base * keep;
        }
        double ms = rs.mscale() == null ? 1 : rs.mscale(), msAll = rs.mscale_all_dim() == null ? 0 : rs.mscale_all_dim();
        float attentionFactor = (float) (RopeScaling.yarnMscale(s, ms) / RopeScaling.yarnMscale(s, msAll));
        return new RopeTable(f, attentionFactor);
    }

    /** The dimension whose wavelength completes n rotations over the original context. */
    private static double correctionDim(double rotations, int dim, double theta, int l0) {
        return dim * Math.log(l0 / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }
}
