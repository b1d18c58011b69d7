package r1j.bench;

import java.util.Arrays;

/** Repeats a piece of work and reports the median time: these machines are shared and noisy. */
public final class Timing {
    private Timing() {}

    /**
     * Runs work once to warm up, then in repetitions of enough calls to last about minSeconds each, and returns
     * the median seconds per call over reps repetitions.
     */
    public static double medianSeconds(Runnable work, int reps, double minSeconds) {
        return medianSeconds(work, reps, minSeconds, 0);
    }

    /** As above, after repeating the work for at least warmupSeconds (the JIT needs many calls of a short job). */
    public static double medianSeconds(Runnable work, int reps, double minSeconds, double warmupSeconds) {
        long w0 = System.nanoTime();
        do {
            work.run();
        } while ((System.nanoTime() - w0) / 1e9 < warmupSeconds);
        long t0 = System.nanoTime();
        work.run();
        double once = Math.max(1e-6, (System.nanoTime() - t0) / 1e9);
        work.run();
        int calls = (int) Math.max(1, Math.ceil(minSeconds / once));
        double[] per = new double[reps];
        for (int r = 0; r < reps; r++) {
            long s = System.nanoTime();
            for (int c = 0; c < calls; c++) work.run();
            per[r] = (System.nanoTime() - s) / 1e9 / calls;
        }
        Arrays.sort(per);
        return per[reps / 2];
    }
}
