package r1j.train;

import java.io.PrintStream;

/**
 * One progress line per job: step/total, ETA, throughput and the key metric, redrawn in place on a terminal; on a
 * non-interactive stream (CI, a log file) a plain line about every tenth of the job instead.
 */
public final class Progress {
    private final String job;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long lastPrinted = -1;

    public Progress(String job, long total, PrintStream out) {
        this.job = job;
        this.total = Math.max(1, total);
        this.out = out;
        this.interactive = System.console() != null && System.getenv("CI") == null;
    }

    /** Reports that done units are complete (of which startedAt were done before this process began). */
    public void update(long done, long startedAt, String metrics) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long thisRun = Math.max(1, done - startedAt);
        double eta = elapsed / thisRun * (total - done);
        String line = String.format("%s %d/%d (%.0f%%) %s | %s elapsed, ETA %s", job, done, total, 100.0 * done / total,
                metrics, clock(elapsed), clock(eta));
        if (interactive) {
            out.print("\r" + line + "   ");
            if (done >= total) out.println();
        } else if (lastPrinted < 0 || done * 10 / total > lastPrinted * 10 / total || done >= total) {
            out.println(line);
            lastPrinted = done;
        }
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
