package r1j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one reward-model step measured.
 *
 * @param step the step just taken (from 1)
 * @param loss the Bradley–Terry loss of the batch
 * @param accuracy the share of the batch's pairs whose chosen reply scored higher
 * @param margin the mean r(chosen) − r(rejected)
 * @param update the optimiser's step
 * @param heldOutAccuracy the accuracy on the held-out pairs when measured at this step, else null
 */
public record RewardModelStep(long step, float loss, double accuracy, float margin, Update update, Double heldOutAccuracy)
        implements StepMetrics {
    @Override
    public Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("loss", loss);
        row.put("accuracy", accuracy);
        row.put("margin", margin);
        row.put("grad_norm", update.gradNorm());
        if (!update.updated()) row.put("skipped", true);
        row.put("lr", update.lr());
        if (heldOutAccuracy != null) row.put("held_out_accuracy", heldOutAccuracy);
        return row;
    }

    @Override
    public String progress() {
        return String.format("loss %.3f", loss);
    }
}
