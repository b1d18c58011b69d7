package r1j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one SFT step measured.
 *
 * @param step the step just taken (from 1)
 * @param epoch the epochs done (rounded to 3 decimals)
 * @param losses the completion tokens' cross-entropy of the batch, and the held-out loss
 * @param update the optimiser's step
 * @param targetTokens the completion tokens of the batch
 * @param throughput completion tokens per second and memory
 */
public record SftStep(long step, double epoch, Losses losses, Update update, int targetTokens, Throughput throughput)
        implements StepMetrics {
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("epoch", epoch);
        row.put("loss", losses.loss());
        if (losses.evaluated() && !Float.isNaN(losses.valLoss())) row.put("val_loss", losses.valLoss());
        row.put("lr", update.lr());
        row.put("grad_norm", update.gradNorm());
        if (!update.updated()) row.put("skipped", true);
        row.put("target_tokens", targetTokens);
        row.put("tokens_per_s", throughput.tokensPerS());
        row.put("rss_mb", throughput.rssMb());
        return row;
    }

    @Override
    public String progress() {
        return String.format("loss %.3f%s", losses.loss(), Float.isNaN(losses.valLoss()) ? "" : String.format(" val %.3f", losses.valLoss()));
    }
}
