package r1j.rl;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * What a step does with groups whose rewards are all equal — their advantages are 0, so they carry no gradient and only
 * dilute the batch (DAPO, arXiv 2503.14476 §3.2, "dynamic sampling": the constraint 0 &lt; |{o_i correct}| &lt; G).
 */
public enum DynamicSampling {
    /** Keep them: they count in the aggregation's normalisers (GRPO as published). */
    OFF,
    /** Leave them out of the loss; the step trains on fewer groups. */
    FILTER,
    /**
     * Leave them out and sample further groups (further prompts of the data, drawn by a seeded stream of the step) until
     * the step has prompts_per_step groups with a reward spread or refill_max_groups extra groups were drawn: DAPO's
     * Algorithm 1, which keeps sampling "until the batch is fully filled".
     */
    REFILL;

    /** Reads config.json: a name, or the boolean that runs before refill wrote (true: FILTER). */
    @JsonCreator
    public static DynamicSampling of(Object v) {
        if (v instanceof Boolean b) return b ? FILTER : OFF;
        String s = String.valueOf(v).trim().toUpperCase(Locale.ROOT);
        for (DynamicSampling d : values()) if (d.name().equals(s)) return d;
        throw new IllegalArgumentException("dynamic_sampling: " + v + " is none of off, filter, refill");
    }

    /** Whether zero-spread groups are left out of the loss. */
    public boolean drops() {
        return this != OFF;
    }
}
