package r1j.train;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;

/**
 * The loop every training job shares (pretraining, SFT, reward models, GRPO): take a step, append its metrics to
 * metrics.jsonl, hand them to the listener, redraw the progress line, and write a checkpoint at the cadence and at the
 * end. What differs between jobs is the step itself (its batch and loss), given as a {@link Job}.
 *
 * @param run the run folder
 * @param progress the progress line
 * @param steps the job's steps in all
 * @param checkpointEvery steps between checkpoints (one is also written at the last step; 0: only then)
 * @param checkpoint what a checkpoint holds
 */
public record TrainingLoop(TrainingRun run, Progress progress, long steps, int checkpointEvery, Checkpoint checkpoint) {
    /**
     * What a checkpoint holds: the model folder, extra folders (GRPO's reference), and the optimiser state of params.
     */
    public record Checkpoint(TrainingRun.Folder model, Map<String, TrainingRun.Folder> extras, List<Tensor> params, AdamW opt) {}

    /** One job's steps. */
    @FunctionalInterface
    public interface Job<M extends StepMetrics> {
        /** Takes step (0-based: the steps before it are done) and returns what it measured. */
        M step(long step) throws IOException;

        /** After done steps, before the checkpoint of that step (GRPO refreshes its reference here). */
        default void afterStep(long done) throws IOException {}

        /** After done steps and their checkpoint: whether the job is complete before its last step (the base gate). */
        default boolean finishedEarly(long done) throws IOException {
            return false;
        }
    }

    /**
     * Runs the job from step start until its last step, or until stopAfter steps of this process (when &gt; 0), or until
     * it finishes early; returns the steps done.
     */
    public <M extends StepMetrics> long run(long start, long stopAfter, Job<M> job, Consumer<? super M> listener) throws IOException {
        long step = start;
        while (step < steps && (stopAfter <= 0 || step - start < stopAfter)) {
            M m = job.step(step);
            step++;
            run.metrics(m.row());
            listener.accept(m);
            progress.update(step, start, m.progress());
            job.afterStep(step);
            if ((checkpointEvery > 0 && step % checkpointEvery == 0) || step == steps) save(step);
            if (job.finishedEarly(step)) break;
        }
        return step;
    }

    /** Writes checkpoint step-N now. */
    public void save(long step) throws IOException {
        run.checkpoint(step, checkpoint.model(), checkpoint.extras(), checkpoint.params(), checkpoint.opt());
    }
}
