package r1j.tensor;

import java.util.SplittableRandom;

/**
 * A LoRA adapter on a frozen linear weight W [N, K] (Hu et al. 2021, eq. 3): h = x·Wᵀ + s·(dropout(x)·Aᵀ)·Bᵀ with
 * A [r, K], B [N, r] and s = α/r (α/√r with rsLoRA). {@link MatMul#linear} adds it wherever W is used, so a model gains
 * adapters without any layer knowing. Dropout acts only while a graph is recorded (training), with a mask drawn from
 * the step's seed ({@link #seedStep}) and the adapter's own id, so a resumed run draws the same masks.
 */
public final class LowRank {
    public final Tensor a, b;
    public final float scale, dropout;
    private final long id;

    private static volatile long stepSeed;
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

    /** The seed of the dropout masks for the coming forward passes (a trainer sets it per step and micro-batch). */
    public static void seedStep(long seed) {
        stepSeed = seed;
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

    /** s·(dropout(x)·Aᵀ)·Bᵀ. */
    Tensor apply(Tensor x) {
        Tensor in = dropout > 0 && Recompute.training() ? dropout(x) : x;
        return Elementwise.scale(MatMul.linear(MatMul.linear(in, a), b), scale);
    }

    /** Inverted dropout: each element kept with probability 1 − p and scaled by 1/(1 − p). */
    private Tensor dropout(Tensor x) {
        int n = x.numel();
        float[] mask = new float[n];
        SplittableRandom r = new SplittableRandom(Seeds.mix(stepSeed, id));
        float keep = 1f / (1f - dropout);
        for (int i = 0; i < n; i++) mask[i] = r.nextFloat() < dropout ? 0f : keep;
        return Elementwise.mul(x, Tensor.of(mask, x.shape()));
    }
}
