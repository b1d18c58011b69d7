package r1j.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code rope_scaling} block of config.json: YaRN (DeepSeek-V2 §2.1 / V3 §4.3 context extension), Llama 3's
 * frequency-dependent scaling, or linear; {@code null} (or type "default") means plain RoPE.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RopeScaling(
        String type,
        Double factor,
        Integer original_max_position_embeddings,
        Double beta_fast,
        Double beta_slow,
        Double mscale,
        Double mscale_all_dim,
        String rope_type,
        Double low_freq_factor,
        Double high_freq_factor,
        Double attention_factor) {

    public String kind() {
        return type != null ? type : rope_type;
    }

    public double factorOr1() {
        return factor == null ? 1.0 : factor;
    }

    /**
     * YaRN's scale s: the explicit factor, or without one max_position_embeddings / original_max_position_embeddings
     * (transformers' _compute_yarn_parameters). The frequencies and the softmax's mscale² both read it here.
     */
    public double yarnFactor(int maxPositionEmbeddings) {
        return factor != null ? factor : (double) maxPositionEmbeddings / original_max_position_embeddings;
    }

    /** YaRN's magnitude correction m(s, mscale) = 0.1·mscale·ln s + 1 (1 for s ≤ 1). */
    public static double yarnMscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }
}
