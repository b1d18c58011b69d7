package r1j.train;

import java.util.Map;

/**
 * What one training step measured, typed: each job's record ({@link PretrainStep}, {@link SftStep},
 * {@link RewardModelStep}, {@code rl.GrpoStep}) implements it, so that metrics.jsonl, the progress line and a
 * program's listener read the same values.
 */
public interface StepMetrics {
    /** The step's line of metrics.jsonl (the keys the report reads). */
    Map<String, Object> row();

    /** The key figures for the progress line. */
    String progress();

    /**
     * @param loss the training loss of the step's batch
     * @param valLoss the latest validation loss (NaN before the first, or without validation data)
     * @param evaluated whether valLoss was measured at this step
     */
    record Losses(float loss, float valLoss, boolean evaluated) {}

    /**
     * @param lr the learning rate of the step
     * @param gradNorm the global gradient norm before clipping
     * @param updated false when the update was skipped (loss or gradient not finite)
     */
    record Update(float lr, float gradNorm, boolean updated) {}

    /**
     * @param tokensPerS this process's throughput
     * @param rssMb the process's resident memory
     */
    record Throughput(long tokensPerS, long rssMb) {}
}
