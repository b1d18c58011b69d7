package r1j.train;

import java.io.IOException;

/**
 * States of a run at which a test kills it: {@code R1J_KILL_AT=point@step} makes the process send itself SIGKILL when
 * it reaches that point of that step, so a test of exact resume (KillResumeTest) kills at a state, not after a time.
 * Unset, as in every real run, a point costs one comparison.
 */
public final class KillPoint {
    /** After a checkpoint's model files are written into its temporary folder, before the optimizer state. */
    public static final String CHECKPOINT_PARTIAL = "checkpoint-partial";
    /** After a checkpoint folder is complete and renamed into place, before latest.txt names it. */
    public static final String CHECKPOINT_UNLISTED = "checkpoint-unlisted";
    /** After a step's row is appended to metrics.jsonl (the step's update is done, its checkpoint not yet written). */
    public static final String METRICS = "metrics";

    private static final String AT = System.getenv("R1J_KILL_AT");

    private KillPoint() {}

    public static void reach(String point, long step) {
        if (AT == null || !AT.equals(point + "@" + step)) return;
        System.err.println("r1j: R1J_KILL_AT=" + AT + " reached; sending SIGKILL to myself");
        System.err.flush();
        try {
            new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
            Thread.sleep(60_000); // the signal is on its way
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("R1J_KILL_AT: could not kill this process", e);
        }
        throw new IllegalStateException("R1J_KILL_AT: still alive a minute after SIGKILL");
    }
}
