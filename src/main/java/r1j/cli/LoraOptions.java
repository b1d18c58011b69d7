package r1j.cli;

import java.util.List;
import picocli.CommandLine.Option;
import r1j.model.LoraConfig;

/**
 * The memory settings of `r1j sft` and `r1j grpo`: with --lora-r the base stays frozen and an adapter trains; with
 * --gradient-checkpointing each dense layer is recomputed in the backward instead of keeping its activations.
 */
public final class LoraOptions {
    private static final LoraConfig D = LoraConfig.defaults();

    @Option(names = "--lora-r", description = "Train a LoRA adapter of this rank on the frozen base (PEFT's format) "
            + "instead of every weight.")
    Integer r;

    @Option(names = "--lora-alpha", description = "LoRA's α: the update is scaled by α/r (default: twice the rank).")
    Double alpha;

    @Option(names = "--lora-dropout", description = "Dropout on the adapter's input while training.")
    double dropout = D.lora_dropout();

    @Option(names = "--lora-targets", split = ",", description = "Module names to adapt (q_proj,…, or all-linear).")
    List<String> targets = D.target_modules();

    @Option(names = "--use-rslora", description = "Scale by α/√r (rank-stabilised LoRA).")
    boolean rslora;

    @Option(names = "--gradient-checkpointing", description = "Recompute each dense layer in the backward instead of "
            + "keeping its activations: less memory, about a third more compute, the same results.")
    boolean gradientCheckpointing;

    /** The adapter's settings, or null for full fine-tuning. */
    LoraConfig config() {
        if (r == null) return null;
        try {
            return new LoraConfig(r, alpha != null ? alpha : 2.0 * r, dropout, targets, rslora);
        } catch (IllegalArgumentException e) {
            throw new UserError("--lora-*: " + e.getMessage());
        }
    }
}
