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

    @Option(names = "--adam-beta1", description = "AdamW's β1.")
    float adamBeta1;

    @Option(names = "--adam-beta2", description = "AdamW's β2.")
    float adamBeta2;

    @Option(names = "--adam-epsilon", description = "AdamW's ε.")
    float adamEpsilon;

    /** Starts from a job's default optimiser settings. */
    OptimizerOptions(Defaults d) {
        this.lr = d.lr();
        this.minLr = d.minLr();
        this.warmup = d.warmup();
        this.weightDecay = d.weightDecay();
        this.clip = d.clip();
        this.adamBeta1 = d.adam().beta1();
        this.adamBeta2 = d.adam().beta2();
        this.adamEpsilon = d.adam().eps();
    }

    /** A job's default optimiser settings: the schedule's, the clip, and AdamW's (weight decay included). */
    record Defaults(float lr, float minLr, int warmup, float weightDecay, float clip, r1j.tensor.AdamW.Config adam) {}

    /** Refuses AdamW settings outside their range, naming the options (shared with `r1j grpo`). */
    static void checkAdam(float beta1, float beta2, float epsilon) {
        // Written as !(x in range) so that NaN fails too.
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new UserError("--adam-beta1 and --adam-beta2 must be in [0, 1) and --adam-epsilon positive, got " + beta1 + ", "
                    + beta2 + " and " + epsilon);
        }
    }

    /** The builder with these values set. */
    <B extends OptimizerSettings<B>> B applyTo(B settings) {
        // Written as !(x > 0) so that NaN fails too.
        if (!(lr > 0) || !Float.isFinite(lr)) throw new UserError("--lr must be a positive number, got " + lr);
        if (!(minLr >= 0)) throw new UserError("--min-lr must be ≥ 0, got " + minLr);
        if (warmup < 0) throw new UserError("--warmup must be ≥ 0, got " + warmup);
        if (!(weightDecay >= 0)) throw new UserError("--weight-decay must be ≥ 0, got " + weightDecay);
        if (!(clip > 0)) throw new UserError("--grad-clip must be positive, got " + clip);
        checkAdam(adamBeta1, adamBeta2, adamEpsilon);
        return settings.lr(lr).minLr(minLr).warmupSteps(warmup).weightDecay(weightDecay).gradClip(clip).adamBeta1(adamBeta1)
                .adamBeta2(adamBeta2).adamEpsilon(adamEpsilon);
    }
}
