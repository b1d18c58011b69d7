package r1j.train;

import java.io.PrintStream;

/**
 * Numerical faults in training (a learning rate far too high, an overflow): a step whose loss or gradient norm is not
 * finite does not update the weights — its AdamW step is skipped and its metrics row says so — and after {@link
 * #PATIENCE} such steps in a row the run stops with the cause, since the weights can no longer give a finite loss.
 * {@link TrainingRun#checkpoint} separately refuses weights that are not finite, so no checkpoint ever holds them.
 */
public final class NumericGuard {
    /** Non-finite steps in a row after which the run stops. */
    public static final int PATIENCE = 3;

    private final PrintStream log;
    private int inARow;
    private long first;

    public NumericGuard(PrintStream log) {
        this.log = log;
    }

    /** Thrown when the run stops: the message names the step, the value and what to change. */
    public static final class Fault extends RuntimeException {
        public Fault(String message) {
            super(message);
        }
    }

    /**
     * Whether step (1-based) may update the weights: true when loss and gradient norm are finite. Otherwise logs the
     * skip, and throws a {@link Fault} at the {@link #PATIENCE}-th non-finite step in a row.
     */
    public boolean allows(long step, double loss, double gradNorm) {
        if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
            inARow = 0;
            return true;
        }
        if (inARow++ == 0) first = step;
        String what = String.format("loss %s, gradient norm %s", loss, gradNorm);
        log.printf("step %d: %s — update skipped (%d of %d in a row stop the run)%n", step, what, inARow, PATIENCE);
        if (inARow >= PATIENCE) {
            throw new Fault(String.format("training diverged: %s at step %d, and not finite since step %d; the weights were not "
                    + "updated by those steps and no checkpoint holds them — resume from the last checkpoint with a lower --lr "
                    + "(or --grad-clip)", what, step, first));
        }
        return false;
    }
}
