package r1j.train;

/**
 * Learning rate per step: linear warm-up from 0 to the peak over warmupSteps, then cosine or linear decay to
 * minLr at totalSteps (nanoGPT's get_lr; the V3 report's warm-up then decay).
 */
public record LrSchedule(float peak, float minLr, int warmupSteps, int totalSteps, Decay decay) {
    /** The shape of the learning rate after the warm-up. */
    public enum Decay { COSINE, LINEAR, CONSTANT }

    public LrSchedule {
        if (warmupSteps < 0 || totalSteps < 1 || peak < 0 || minLr < 0) {
            throw new IllegalArgumentException("lr schedule: need warmup ≥ 0, total ≥ 1, rates ≥ 0");
        }
    }

    /** The rate for step s (0-based). */
    public float at(long s) {
        if (s < warmupSteps) return peak * (s + 1) / warmupSteps;
        if (decay == Decay.CONSTANT || totalSteps <= warmupSteps) return peak;
        double progress = Math.min(1.0, (double) (s - warmupSteps) / (totalSteps - warmupSteps));
        double factor = decay == Decay.COSINE ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
        return (float) (minLr + (peak - minLr) * factor);
    }
}
