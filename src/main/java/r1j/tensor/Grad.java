package r1j.tensor;

/**
 * Whether ops record the graph. Off inside {@link #noGrad()} scopes (inference, sampling, reference models) and
 * while a backward pass runs. Per thread, so a sampler thread never records into a trainer's graph.
 */
public final class Grad {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    private Grad() {}

    public static boolean isEnabled() {
        return DISABLED.get()[0] == 0;
    }

    /** A scope in which no graph is recorded; scopes nest. */
    public static Scope noGrad() {
        int[] d = DISABLED.get();
        d[0]++;
        return () -> d[0]--;
    }

    /** A scope in which a graph is recorded even inside a no-grad scope (a recomputation during the backward). */
    public static Scope enabled() {
        int[] d = DISABLED.get();
        int saved = d[0];
        d[0] = 0;
        return () -> d[0] = saved;
    }

    /** Closing a scope restores the previous state; it throws nothing. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
