package r1j.tensor;

import java.util.Locale;

/**
 * How weights that do not change while they are used (a frozen model, or the policy while it samples rollouts) are
 * held for the kernels: as stored (bfloat16 or IEEE half kept 16-bit, float32 as float32), or as 8-bit {@link Q8}
 * blocks, about half the bytes a 16-bit weight streams per token. Q8 changes the model's outputs (llama.cpp's Q8_0
 * error), so a GRPO run that samples with it corrects for the difference (GrpoObjective's truncated importance weight).
 */
public enum FrozenDtype {
    /** The checkpoint's own width: exactly the values the model holds. */
    STORED,
    /** ggml's Q8_0 blocks (32 int8 values and a half scale), read back as q·d. */
    Q8;

    /** The command line's and config.json's name: stored or q8. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses stored or q8 (any case), naming the accepted values when s is neither. */
    public static FrozenDtype parse(String s) {
        for (FrozenDtype d : values()) if (d.key().equalsIgnoreCase(s.trim())) return d;
        throw new IllegalArgumentException("frozen dtype '" + s + "': expected stored or q8");
    }
}
