package r1j.train;

/**
 * The optimiser's settings that pretraining and SFT share (AdamW, warm-up then cosine decay, global-norm clipping),
 * set by name on either job's builder; the command line's {@code OptimizerOptions} sets them through this type.
 *
 * @param <B> the builder itself, so that calls chain
 */
public interface OptimizerSettings<B extends OptimizerSettings<B>> {
    /** Peak learning rate. */
    B lr(float v);

    /** Learning rate at the end of the cosine decay. */
    B minLr(float v);

    /** Steps of linear warm-up. */
    B warmupSteps(int v);

    /** AdamW's decoupled weight decay. */
    B weightDecay(float v);

    /** Global gradient-norm clipping. */
    B gradClip(float v);

    /** AdamW's β1. */
    B adamBeta1(float v);

    /** AdamW's β2. */
    B adamBeta2(float v);

    /** AdamW's ε. */
    B adamEpsilon(float v);
}
