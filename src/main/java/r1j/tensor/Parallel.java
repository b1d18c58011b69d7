package r1j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread pool of r1j. Work is split into static, contiguous chunks (never work stealing), so that for a
 * fixed thread count every kernel computes each output with the same operation order: bit-identical results for a
 * fixed seed. Calls made from inside a chunk run inline (no nested parallelism, no deadlock).
 *
 * <p>A decoding step runs a hundred small ops of tens of microseconds each, so handing work to a thread must cost
 * far less than that: workers spin briefly on their task slot before parking, and the caller spins on a counter,
 * instead of going through an executor's queue and futures.
 */
public final class Parallel {
    /** A body over the half-open range [lo, hi), told which chunk it is (for per-thread scratch). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int chunk, int lo, int hi);
    }

    private static final int MAX_THREADS = configuredThreads();
    /** Fewer threads for one caller's work ({@link #withThreads}); unbound, kernels use all of them. */
    private static final ScopedValue<Integer> THREADS = ScopedValue.newInstance();
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    /** One caller at a time drives the workers; another caller meanwhile runs its work inline. */
    private static final ReentrantLock DRIVER = new ReentrantLock();
    private static final Worker[] WORKERS = new Worker[Math.max(0, MAX_THREADS - 1)];
    /** Spins before a waiting thread parks: a few tens of microseconds. */
    private static final int SPINS = 20_000;

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("r1j-worker-" + (i + 1));
            WORKERS[i].start();
        }
    }

    private static final class Worker extends Thread {
        volatile Runnable task;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            IN_WORKER.set(true);
            while (true) {
                Runnable t = task;
                for (int spin = 0; t == null; spin++) {
                    if (spin < SPINS) Thread.onSpinWait();
                    else LockSupport.park(this);
                    t = task;
                }
                task = null;
                t.run();
            }
        }
    }

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

    /** Threads this thread's kernels use now (≤ the pool's size). */
    public static int threads() {
        return THREADS.isBound() ? THREADS.get() : MAX_THREADS;
    }

    /** The most threads this process can use (R1J_THREADS, else the number of cores). */
    public static int maxThreads() {
        return MAX_THREADS;
    }

    /**
     * Runs work with its kernels split over n threads (clamped to [1, maxThreads()]): for this call on this thread
     * only, so another job in the same JVM keeps its own count (and with it its bit-identical results).
     */
    public static void withThreads(int n, Runnable work) {
        ScopedValue.where(THREADS, Math.max(1, Math.min(MAX_THREADS, n))).run(work);
    }

    /** Number of chunks a range of n items splits into when each chunk should hold at least minPerChunk. */
    public static int chunks(int n, int minPerChunk) {
        if (IN_WORKER.get()) return 1;
        int byWork = Math.max(1, n / Math.max(1, minPerChunk));
        return Math.max(1, Math.min(threads(), byWork));
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
        c = Math.max(1, Math.min(c, Math.min(n, WORKERS.length + 1)));
        if (c == 1 || IN_WORKER.get() || !DRIVER.tryLock()) {
            // One chunk, or called from inside a chunk, or another thread drives the pool: run the chunks here.
            for (int i = 0; i < c; i++) body.run(i, (int) ((long) n * i / c), (int) ((long) n * (i + 1) / c));
            return;
        }
        try {
            AtomicInteger pending = new AtomicInteger(c - 1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // The workers run the caller's chunks with the caller's packed weights and dropout seed.
            ThreadState state = ThreadState.capture();
            for (int i = 1; i < c; i++) {
                final int chunk = i;
                final int lo = (int) ((long) n * i / c), hi = (int) ((long) n * (i + 1) / c);
                Worker w = WORKERS[i - 1];
                w.task = () -> {
                    try {
                        state.run(() -> body.run(chunk, lo, hi));
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        pending.decrementAndGet();
                    }
                };
                LockSupport.unpark(w);
            }
            IN_WORKER.set(true); // the caller's own chunk must not fan out again while the workers are busy
            try {
                body.run(0, 0, (int) ((long) n / c));
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                IN_WORKER.set(false);
            }
            for (int spin = 0; pending.get() > 0; spin++) {
                if (spin < SPINS) Thread.onSpinWait();
                else Thread.yield();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error err) throw err;
            if (t != null) throw new RuntimeException(t);
        } finally {
            DRIVER.unlock();
        }
    }
}
