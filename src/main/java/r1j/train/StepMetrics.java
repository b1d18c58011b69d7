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
}
