package r1j.train;

/**
 * Every setting of an SFT run (DeepSeek-R1 §2.3.1 and §2.3.3: fine-tuning on cold-start data, then on ~800 K
 * rejection-sampled and non-reasoning samples for two epochs), written resolved to the run folder's config.json.
 * Every 50th example is held out for the validation loss.
 */
public record SftConfig(String model, String data, String template, int epochs, int batch_size, int seq_len, float lr,
                        float min_lr, int warmup_steps, float weight_decay, float grad_clip, int eval_every,
                        int checkpoint_every, long seed) {

    public SftConfig {
        if (epochs < 1 || batch_size < 1 || seq_len < 8) throw new IllegalArgumentException("sft: epochs, batch size ≥ 1 and seq_len ≥ 8");
    }

    /** Settings that must agree for a resume to continue the same run. */
    boolean sameRunAs(SftConfig o) {
        return model.equals(o.model) && data.equals(o.data) && template.equals(o.template) && epochs == o.epochs
                && batch_size == o.batch_size && seq_len == o.seq_len && lr == o.lr && seed == o.seed;
    }
}
