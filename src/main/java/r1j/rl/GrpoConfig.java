package r1j.rl;

/**
 * Every setting of a GRPO run, written resolved to the run folder's config.json. The command line's defaults
 * ({@code GrpoOptions}) follow world.md's calibration for the miniature: G 8, 16 prompts per step, β 0.02, learning
 * rate 1e-4, token-level loss, zero-spread groups counted, ε 0.2, temperature 1.0 for rollouts.
 */
public record GrpoConfig(
        String template, String rewards, String reward_weights, int group_size, int prompts_per_step, int mu,
        float eps_low, float eps_high, float beta, Advantages.Scale advantage_scale, GrpoObjective.Aggregation aggregation,
        boolean mask_truncated, boolean dynamic_sampling, int ref_refresh_every, float temperature, float top_p,
        float lr, int warmup_steps, int steps, int max_completion_tokens, int micro_batch, float grad_clip,
        float weight_decay, float bias_update_speed, int checkpoint_every, int sample_every, long seed) {

    /** The same settings for another stage of the recipe: its template, rewards with weights, steps and length. */
    public GrpoConfig forStage(String template, String rewards, String weights, int steps, int maxCompletionTokens) {
        return copy(template, rewards, weights, lr, steps, maxCompletionTokens);
    }

    /** The same settings at another learning rate. */
    public GrpoConfig withLr(float newLr) {
        return copy(template, rewards, reward_weights, newLr, steps, max_completion_tokens);
    }

    private GrpoConfig copy(String template, String rewards, String weights, float lr, int steps, int maxCompletionTokens) {
        return new GrpoConfig(template, rewards, weights, group_size, prompts_per_step, mu, eps_low, eps_high, beta,
                advantage_scale, aggregation, mask_truncated, dynamic_sampling, ref_refresh_every, temperature, top_p, lr,
                warmup_steps, steps, maxCompletionTokens, micro_batch, grad_clip, weight_decay, bias_update_speed,
                checkpoint_every, sample_every, seed);
    }

    boolean sameRunAs(GrpoConfig o) {
        return equals(o) || (template.equals(o.template) && rewards.equals(o.rewards)
                && java.util.Objects.equals(reward_weights, o.reward_weights) && group_size == o.group_size && prompts_per_step == o.prompts_per_step
                && seed == o.seed && steps == o.steps && lr == o.lr && beta == o.beta);
    }
}
