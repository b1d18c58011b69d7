package r1j.tensor;

/**
 * What a job's thread has set for the kernels it runs: its packed-weights scope ({@link PackedWeights}) and its
 * dropout seed ({@link LowRank#seedStep}). {@link Parallel}'s workers are shared by every job in the JVM, so a worker
 * takes on the state of the thread whose chunk it runs and gives it back after: no job sees another's.
 */
record ThreadState(PackedWeights.Scope packed, long dropoutSeed) {
    /** The calling thread's state. */
    static ThreadState capture() {
        return new ThreadState(PackedWeights.current(), LowRank.stepSeed());
    }

    /** Runs body with this state on the calling thread, then puts the thread's own back. */
    void run(Runnable body) {
        PackedWeights.Scope packedBefore = PackedWeights.swap(packed);
        long seedBefore = LowRank.stepSeed();
        LowRank.seedStep(dropoutSeed);
        try {
            body.run();
        } finally {
            PackedWeights.swap(packedBefore);
            LowRank.seedStep(seedBefore);
        }
    }
}
