package r1j.cli;

import picocli.CommandLine.Option;
import r1j.train.OptimizerSettings;

/**
 * The optimiser's settings of `r1j pretrain` and `r1j sft` (AdamW, warm-up then cosine decay, global-norm clipping).
 * Each command starts it from its settings' defaults and sets them by name on the settings' builder.
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

    /** The builder with these values set. */
    <B extends OptimizerSettings<B>> B applyTo(B settings) {
        // Written as !(x > 0) so that NaN fails too.
        if (!(lr > 0) || !Float.isFinite(lr)) throw new UserError("--lr must be a positive number, got " + lr);
        if (!(minLr >= 0)) throw new UserError("--min-lr must be ≥ 0, got " + minLr);
        if (warmup < 0) throw new UserError("--warmup must be ≥ 0, got " + warmup);
        if (!(weightDecay >= 0)) throw new UserError("--weight-decay must be ≥ 0, got " + weightDecay);
        if (!(clip > 0)) throw new UserError("--grad-clip must be positive, got " + clip);
        return settings.lr(lr).minLr(minLr).warmupSteps(warmup).weightDecay(weightDecay).gradClip(clip);
    }
}
