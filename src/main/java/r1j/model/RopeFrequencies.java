package r1j.model;

import r1j.nn.RopeTable;

/**
 * RoPE frequencies for a config, as transformers' {@code modeling_rope_utils} computes them: plain θ^(−2i/d); linear
 * (every frequency divided by the factor); dynamic (plain within max_position_embeddings, refused past it); Llama 3's (wavelengths longer than the original context divided by the
 * factor, shorter than original/high_freq_factor kept, a smooth interpolation between); or YaRN's
 * (docs/deepseek-v3.md §4.5; Peng et al. 2023).
 */
public final class RopeFrequencies {
    private RopeFrequencies() {}

    /**
     * What each frequency is divided by relative to plain RoPE (1 where unscaled): llama.cpp's rope_freqs tensor,
     * which its converter writes for Llama 3's scaling.
     */
    public static float[] divisors(ModelConfig c) {
        int dim = c.isDeepseek() ? c.qk_rope_head_dim() : c.denseHeadDim();
        double[] plain = RopeTable.standard(dim, c.rope_theta()).inverseFrequencies(), scaled = table(c).inverseFrequencies();
        float[] out = new float[plain.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (plain[i] / scaled[i]);
        return out;
    }

    static RopeTable table(ModelConfig c) {
        int dim = c.isDeepseek() ? c.qk_rope_head_dim() : c.denseHeadDim();
        RopeScaling rs = c.rope_scaling();
        if (rs == null || "default".equals(rs.kind())) return RopeTable.standard(dim, c.rope_theta());
        return switch (rs.kind()) {
            case "linear" -> linear(dim, c.rope_theta(), rs.factorOr1());
            // Dynamic NTK scaling changes the base only for sequences longer than max_position_embeddings: below that
            // it is plain RoPE, and longer ones are refused.
            case "dynamic" -> new RopeTable(RopeTable.standard(dim, c.rope_theta()).inverseFrequencies(), 1f, c.max_position_embeddings());
            case "llama3" -> llama3(dim, c.rope_theta(), rs);
            case "yarn" -> yarn(dim, c.rope_theta(), rs, c.max_position_embeddings());
            default -> throw new IllegalArgumentException("rope_scaling type '" + rs.kind() + "' is not supported");
        };
    }

    /** Linear scaling (position interpolation): every frequency divided by the factor. */
    private static RopeTable linear(int dim, double theta, double factor) {
        double[] f = new double[dim / 2];
        for (int i = 0; i < f.length; i++) f[i] = 1.0 / Math.pow(theta, 2.0 * i / dim) / factor;
        return new RopeTable(f, 1f);
    }

    /** Llama 3.1's frequency-dependent scaling (transformers' _compute_llama3_parameters). */
    private static RopeTable llama3(int dim, double theta, RopeScaling rs) {
        double factor = rs.factorOr1(), low = rs.low_freq_factor(), high = rs.high_freq_factor();
        double original = rs.original_max_position_embeddings();
        double lowWavelen = original / low, highWavelen = original / high;
        double[] f = new double[dim / 2];
        for (int i = 0; i < f.length; i++) {
            double inv = 1.0 / Math.pow(theta, 2.0 * i / dim), wavelen = 2 * Math.PI / inv;
            if (wavelen < highWavelen) {
                f[i] = inv;
            } else if (wavelen > lowWavelen) {
                f[i] = inv / factor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                f[i] = (1 - smooth) * inv / factor + smooth * inv;
            }
        }
        return new RopeTable(f, 1f);
    }

    /**
     * YaRN as transformers' _compute_yarn_parameters computes it: the explicit factor (or, without one,
     * max_position_embeddings / original_max_position_embeddings), and cos/sin scaled by attention_factor, or by
     * m(s, mscale)/m(s, mscale_all_dim) when both are given (DeepSeek), else by m(s, 1).
     */
    private static RopeTable yarn(int dim, double theta, RopeScaling rs, int maxPositions) {
        double s = rs.yarnFactor(maxPositions);
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
        boolean both = rs.mscale() != null && rs.mscale() != 0 && rs.mscale_all_dim() != null && rs.mscale_all_dim() != 0;
        float attentionFactor = (float) (rs.attention_factor() != null ? rs.attention_factor()
                : both ? RopeScaling.yarnMscale(s, rs.mscale()) / RopeScaling.yarnMscale(s, rs.mscale_all_dim())
                : RopeScaling.yarnMscale(s, 1));
        return new RopeTable(f, attentionFactor);
    }

    /** The dimension whose wavelength completes n rotations over the original context. */
    private static double correctionDim(double rotations, int dim, double theta, int l0) {
        return dim * Math.log(l0 / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }
}
