package r1j.cli;

import picocli.CommandLine.Option;
import r1j.train.Records;

/**
 * The optimiser's settings of `r1j pretrain` and `r1j sft` (AdamW, warm-up then cosine decay, global-norm clipping).
 * Each command starts it from its settings record's defaults; the record's fields of the same names take the values.
 */
public final class OptimizerOptions {
    @Option(names = "--lr", description = "Peak learning rate.")
    float lr;

    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine decay.")
    float minLr;

    @Option(names = "--warmup", description = "Steps of linear warm-up.")
    int warmup;

    @Option(names = "--weight-decay", description = "AdamW's decoupled weight decay.")
    float weightDecay;

    @Option(names = "--grad-clip", description = "Global gradient-norm clipping.")
    float clip;

    /** Starts from a settings record with lr, min_lr, warmup_steps, weight_decay and grad_clip. */
    OptimizerOptions(float lr, float minLr, int warmup, float weightDecay, float clip) {
        this.lr = lr;
        this.minLr = minLr;
        this.warmup = warmup;
        this.weightDecay = weightDecay;
        this.clip = clip;
    }

    /** The record with these values. */
    <R extends Record> R applyTo(R config) {
        R c = Records.with(config, "lr", lr);
        c = Records.with(c, "min_lr", minLr);
        c = Records.with(c, "warmup_steps", warmup);
        c = Records.with(c, "weight_decay", weightDecay);
        return Records.with(c, "grad_clip", clip);
    }
}
