package r1j.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The one thread pool of r1j. Work is split into static, contiguous chunks (never work stealing), so that
 * for a fixed thread count every kernel computes each output with the same operation order: bit-identical
 * results for a fixed seed. Calls made from inside a worker run inline (no nested parallelism, no deadlock).
 */
public final class Parallel {
    /** A body over the half-open range [lo, hi), told which chunk it is (for per-thread scratch). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int chunk, int lo, int hi);
    }

    private static final int MAX_THREADS = configuredThreads();
    private static volatile int threads = MAX_THREADS;
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, MAX_THREADS - 1), r -> {
        Thread t = new Thread(() -> {
            IN_WORKER.set(true);
            r.run();
        }, "r1j-worker");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {}

    private static int configuredThreads() {
        String env = System.getenv("R1J_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(env.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("R1J_THREADS must be a positive integer, got '" + env + "'");
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Threads used by kernels now (≤ the pool's size). */
    public static int threads() {
        return threads;
    }

    /** The most threads this process can use (R1J_THREADS, else the number of cores). */
    public static int maxThreads() {
        return MAX_THREADS;
    }

    /** Sets how many threads kernels use from now on, clamped to [1, maxThreads()]. Returns the previous value. */
    public static int setThreads(int n) {
        int old = threads;
        threads = Math.max(1, Math.min(MAX_THREADS, n));
        return old;
    }

    /** Number of chunks a range of n items splits into when each chunk should hold at least minPerChunk. */
    public static int chunks(int n, int minPerChunk) {
        if (IN_WORKER.get()) return 1;
        int byWork = Math.max(1, n / Math.max(1, minPerChunk));
        return Math.max(1, Math.min(threads, byWork));
    }

    /** Runs body over [0, n) split into {@link #chunks(int, int)} contiguous chunks, the caller taking the first. */
    public static void range(int n, int minPerChunk, RangeBody body) {
        split(n, chunks(n, minPerChunk), body);
    }

    /**
     * Runs body over [0, n) split into exactly c contiguous chunks (c from {@link #chunks}, so that a caller can
     * keep one partial result per chunk), the caller taking the first.
     */
    public static void split(int n, int c, RangeBody body) {
        if (n <= 0) return;
        c = Math.max(1, Math.min(c, n));
        if (c == 1) {
            body.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(c - 1);
        for (int i = 1; i < c; i++) {
            final int chunk = i;
            final int lo = (int) ((long) n * i / c);
            final int hi = (int) ((long) n * (i + 1) / c);
            futures.add(POOL.submit(() -> body.run(chunk, lo, hi)));
        }
        Throwable failure = null;
        IN_WORKER.set(true); // the caller's own chunk must not fan out again while the workers are busy
        try {
            body.run(0, 0, (int) ((long) n / c));
        } catch (Throwable t) {
            failure = t;
        } finally {
            IN_WORKER.set(false);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }
}
