package r1j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one pretraining step measured.
 *
 * @param step the step just taken (from 1)
 * @param losses the next-token cross-entropy of the batch, and the validation loss
 * @param mtpLoss the multi-token-prediction loss (NaN without MTP modules)
 * @param update the optimiser's step
 * @param expertLoadMaxMin the most loaded expert's tokens over the least loaded's (rounded to 3 decimals)
 * @param tokens training tokens seen so far
 * @param throughput training tokens per second and memory
 */
public record PretrainStep(long step, Losses losses, float mtpLoss, Update update, double expertLoadMaxMin, long tokens,
                           Throughput throughput) implements StepMetrics {
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("loss", losses.loss());
        if (!Float.isNaN(mtpLoss)) row.put("mtp_loss", mtpLoss);
        if (losses.evaluated()) row.put("val_loss", losses.valLoss());
        row.put("lr", update.lr());
        row.put("grad_norm", update.gradNorm());
        if (!update.updated()) row.put("skipped", true);
        row.put("expert_load_max_min", expertLoadMaxMin);
        row.put("tokens", tokens);
        row.put("tokens_per_s", throughput.tokensPerS());
        row.put("rss_mb", throughput.rssMb());
        return row;
    }

    @Override
    public String progress() {
        return String.format("loss %.3f%s | %d tok/s", losses.loss(),
                Float.isNaN(losses.valLoss()) ? "" : String.format(" val %.3f", losses.valLoss()), throughput.tokensPerS());
    }
}
