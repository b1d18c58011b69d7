package r1j.testing;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import r1j.model.KvCache;
import r1j.model.LanguageModel;
import r1j.model.ModelConfig;
import r1j.tensor.Tensor;

/**
 * A model that fails or waits on purpose, around a real one: what a test of a server needs to make one request's step
 * fail (a "poison" token in its prompt), every step fail, or the decoder advance one step at a time (a gate of
 * permits, each letting one batched step through), with no timing involved.
 */
public final class FaultyModel implements LanguageModel {
    /** When a step fails: a prompt holding the poison token fails in its prefill, or in every decode step after it. */
    public enum Fault { NONE, PREFILL, DECODE, ALWAYS }

    private final LanguageModel model;
    private final int poison;
    private volatile Fault fault;
    private volatile Semaphore gate;
    private final Set<KvCache> poisoned = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final AtomicInteger steps = new AtomicInteger();

    public FaultyModel(LanguageModel model, Fault fault, int poison) {
        this.model = model;
        this.fault = fault;
        this.poison = poison;
    }

    public void fault(Fault f) {
        fault = f;
    }

    /** From now on each step waits for a permit ({@link #release}); null lets every step through. */
    public void gate(Semaphore g) {
        gate = g;
    }

    /** Steps that ran (passed the gate), failed ones included. */
    public int steps() {
        return steps.get();
    }

    @Override
    public ModelConfig config() {
        return model.config();
    }

    @Override
    public KvCache newCache(int capacity) {
        return model.newCache(capacity);
    }

    @Override
    public Tensor extend(KvCache[] caches, int[][] tokens) {
        Semaphore g = gate;
        if (g != null) g.acquireUninterruptibly();
        steps.incrementAndGet();
        Fault f = fault;
        if (f == Fault.ALWAYS) throw new IllegalStateException("injected fault: this model fails every step");
        boolean prefillPoisoned = false;
        for (int i = 0; i < caches.length; i++) {
            if (poisoned.contains(caches[i])) throw new IllegalStateException("injected fault: decoding after token " + poison);
            for (int t : tokens[i]) prefillPoisoned |= t == poison && tokens[i].length > 1;
        }
        if (prefillPoisoned && f == Fault.PREFILL) throw new IllegalStateException("injected fault: prefill of token " + poison);
        Tensor out = model.extend(caches, tokens);
        if (f == Fault.DECODE) {
            for (int i = 0; i < caches.length; i++) {
                for (int t : tokens[i]) if (t == poison && tokens[i].length > 1) poisoned.add(caches[i]);
            }
        }
        return out;
    }
}
