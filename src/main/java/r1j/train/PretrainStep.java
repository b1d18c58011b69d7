package r1j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one pretraining step measured.
 *
 * @param step the step just taken (from 1)
 * @param loss the next-token cross-entropy of the batch
 * @param mtpLoss the multi-token-prediction loss (NaN without MTP modules)
 * @param valLoss the latest validation loss (NaN before the first)
 * @param evaluated whether valLoss was measured at this step
 * @param lr the learning rate of the step
 * @param gradNorm the global gradient norm before clipping
 * @param updated false when the update was skipped (loss or gradient not finite)
 * @param expertLoadMaxMin the most loaded expert's tokens over the least loaded's (rounded to 3 decimals)
 * @param tokens training tokens seen so far
 * @param tokensPerS this process's training throughput
 * @param rssMb the process's resident memory
 */
public record PretrainStep(long step, float loss, float mtpLoss, float valLoss, boolean evaluated, float lr, float gradNorm,
                           boolean updated, double expertLoadMaxMin, long tokens, long tokensPerS, long rssMb)
        implements StepMetrics {
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("loss", loss);
        if (!Float.isNaN(mtpLoss)) row.put("mtp_loss", mtpLoss);
        if (evaluated) row.put("val_loss", valLoss);
        row.put("lr", lr);
        row.put("grad_norm", gradNorm);
        if (!updated) row.put("skipped", true);
        row.put("expert_load_max_min", expertLoadMaxMin);
        row.put("tokens", tokens);
        row.put("tokens_per_s", tokensPerS);
        row.put("rss_mb", rssMb);
        return row;
    }

    @Override
    public String progress() {
        return String.format("loss %.3f%s | %d tok/s", loss, Float.isNaN(valLoss) ? "" : String.format(" val %.3f", valLoss), tokensPerS);
    }
}
