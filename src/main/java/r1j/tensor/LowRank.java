package r1j.tensor;

import java.util.SplittableRandom;

/**
 * A LoRA adapter on a frozen linear weight W [N, K] (Hu et al. 2021, eq. 3): h = x·Wᵀ + s·(dropout(x)·Aᵀ)·Bᵀ with
 * A [r, K], B [N, r] and s = α/r (α/√r with rsLoRA). {@link MatMul#linear} adds it wherever W is used, so a model gains
 * adapters without any layer knowing. Dropout acts only while a graph is recorded (training), with a mask drawn from
 * the step's seed ({@link #seedStep}) and the adapter's own id, so a resumed run draws the same masks.
 *
 * <p>Several adapters over one base, as a server of LoRA modules batches them (S-LoRA, Sheng et al. 2023; vLLM's
 * multi-LoRA): each weight holds one adapter per slot ({@link Tensor#attach(int, LowRank)}) and, inside
 * {@link #routed}, each row of a linear layer's input adds the update of its own slot's adapter (or none). A row's
 * update is computed on its slot's rows alone with the same operations, and products compute every row
 * independently ({@link Gemm}), so a row's result has the same bits whatever other adapters share its batch.
 */
public final class LowRank {
    public final Tensor a, b;
    public final float scale, dropout;
    private final long id;

    /** The dropout seed of the coming forward passes, per thread: two trainings in one JVM each keep their own. */
    private static final ThreadLocal<long[]> STEP_SEED = ThreadLocal.withInitial(() -> new long[1]);
    /** The adapter slot of each input row while serving several adapters (−1: the base alone); unbound otherwise. */
    private static final ScopedValue<int[]> ROUTES = ScopedValue.newInstance();
    /** The slot of a row that takes no adapter: the base model. */
    public static final int BASE = -1;
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    public LowRank(Tensor a, Tensor b, float scale, float dropout, long id) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
            throw new IllegalArgumentException("LoRA needs A [r, in] and B [out, r], not " + java.util.Arrays.toString(a.shape())
                    + " and " + java.util.Arrays.toString(b.shape()));
        }
        this.a = a;
        this.b = b;
        this.scale = scale;
        this.dropout = dropout;
        this.id = id;
    }

    /**
     * The seed of the dropout masks for this thread's coming forward passes (a trainer sets it per step and
     * micro-batch).
     */
    public static void seedStep(long seed) {
        STEP_SEED.get()[0] = seed;
    }

    /** This thread's dropout seed (what a worker running its chunks takes on, {@link ThreadState}). */
    static long stepSeed() {
        return STEP_SEED.get()[0];
    }

    /** A scope in which adapters are skipped: the base model alone (GRPO's reference, PEFT's disable_adapter). */
    public static Grad.Scope disabled() {
        int[] d = DISABLED.get();
        d[0]++;
        return () -> d[0]--;
    }

    static boolean enabled() {
        return DISABLED.get()[0] == 0;
    }

    /**
     * Runs body with each row of the coming linear layers' inputs routed to an adapter slot (or {@link #BASE}), one
     * entry per row in order. Only for inference (no gradient): it adds the updates in place.
     */
    public static <T> T routed(int[] slotOfRow, java.util.function.Supplier<T> body) {
        return ScopedValue.where(ROUTES, slotOfRow).call(body::get);
    }

    /**
     * Runs body on a gathered subset of the routed rows (the rows an MoE expert sees), keeping each row's slot; a
     * plain call when nothing is routed.
     */
    public static <T> T forRows(int[] rows, java.util.function.Supplier<T> body) {
        if (!ROUTES.isBound()) return body.get();
        int[] all = ROUTES.get(), sub = new int[rows.length];
        for (int i = 0; i < rows.length; i++) sub[i] = all[rows[i]];
        return routed(sub, body);
    }

    /**
     * y plus the low-rank updates of w's adapters for input x: slot 0's on every row, or inside {@link #routed} each
     * row's own slot's.
     */
    static Tensor add(Tensor y, Tensor x, LowRank[] slots) {
        if (slots.length == 0) return y;
        if (!ROUTES.isBound()) return slots[0] == null ? y : Elementwise.add(y, slots[0].apply(x));
        int[] route = ROUTES.get();
        int rows = x.rows(), n = y.cols();
        if (route.length != rows) throw new IllegalStateException("routed adapters: " + route.length + " routes for " + rows + " rows");
        if (Grad.isEnabled()) throw new IllegalStateException("routed adapters are for inference only (no gradient)");
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] == null) continue;
            int count = 0;
            for (int r : route) if (r == slot) count++;
            if (count == 0) continue;
            int[] mine = new int[count];
            for (int i = 0, j = 0; i < rows; i++) if (route[i] == slot) mine[j++] = i;
            Tensor u = slots[slot].apply(count == rows ? x : Rows.gather(x, mine));
            // y[row] += u[i]: the same addition Elementwise.add makes for an unrouted adapter.
            for (int i = 0; i < count; i++) {
                int yo = mine[i] * n, uo = i * n;
                for (int j = 0; j < n; j++) y.data[yo + j] += u.data[uo + j];
            }
        }
        return y;
    }

    /** s·(dropout(x)·Aᵀ)·Bᵀ. */
    Tensor apply(Tensor x) {
        Tensor in = dropout > 0 && Recompute.training() ? dropout(x) : x;
        return Elementwise.scale(MatMul.linear(MatMul.linear(in, a), b), scale);
    }

    /** Inverted dropout: each element kept with probability 1 − p and scaled by 1/(1 − p). */
    private Tensor dropout(Tensor x) {
        int n = x.numel();
        float[] mask = new float[n];
        SplittableRandom r = new SplittableRandom(Seeds.mix(STEP_SEED.get()[0], id));
        float keep = 1f / (1f - dropout);
        for (int i = 0; i < n; i++) mask[i] = r.nextFloat() < dropout ? 0f : keep;
        return Elementwise.mul(x, Tensor.of(mask, x.shape()));
    }
}
