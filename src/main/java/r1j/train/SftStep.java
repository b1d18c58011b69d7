package r1j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one SFT step measured.
 *
 * @param step the step just taken (from 1)
 * @param epoch the epochs done (rounded to 3 decimals)
 * @param loss the completion tokens' cross-entropy of the batch
 * @param valLoss the latest held-out loss (NaN before the first, or without held-out examples)
 * @param evaluated whether valLoss was measured at this step
 * @param lr the learning rate of the step
 * @param gradNorm the global gradient norm before clipping
 * @param updated false when the update was skipped (loss or gradient not finite)
 * @param targetTokens the completion tokens of the batch
 * @param tokensPerS this process's throughput in completion tokens
 * @param rssMb the process's resident memory
 */
public record SftStep(long step, double epoch, float loss, float valLoss, boolean evaluated, float lr, float gradNorm,
                      boolean updated, int targetTokens, long tokensPerS, long rssMb) implements StepMetrics {
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("epoch", epoch);
        row.put("loss", loss);
        if (evaluated && !Float.isNaN(valLoss)) row.put("val_loss", valLoss);
        row.put("lr", lr);
        row.put("grad_norm", gradNorm);
        if (!updated) row.put("skipped", true);
        row.put("target_tokens", targetTokens);
        row.put("tokens_per_s", tokensPerS);
        row.put("rss_mb", rssMb);
        return row;
    }

    @Override
    public String progress() {
        return String.format("loss %.3f%s", loss, Float.isNaN(valLoss) ? "" : String.format(" val %.3f", valLoss));
    }
}
