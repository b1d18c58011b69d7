package r1j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tensor.Kernels;
import r1j.tensor.Parallel;

/**
 * {@code r1j bench generate}: decoding throughput on a preset model with random weights: total new tokens per second
 * for many sequences decoding together, and for one sequence, whose speed is also given as a fraction of the bound
 * that memory bandwidth sets (every active weight and the cache read once per token).
 */
public final class GenerateBench {
    /** One decode measurement: the model, the batch, the new tokens and the time they took. */
    public record Result(String model, int sequences, int newTokens, double seconds, double tokensPerSecond,
                         double boundTokensPerSecond, long weightBytes) {}

    private GenerateBench() {}

    public static Result run(String preset, int sequences, int promptTokens, int newTokens, long seed) {
        return run(Transformer.init(Presets.get(preset), seed), preset, sequences, promptTokens, newTokens, seed);
    }

    /** The same on a given model (e.g. a checkpoint loaded frozen in 16 bits, or widened to float32). */
    public static Result run(Transformer m, String label, int sequences, int promptTokens, int newTokens, long seed) {
        int v = m.config().vocab_size();
        SplittableRandom r = new SplittableRandom(seed);
        List<Generator.Request> reqs = new ArrayList<>();
        for (int i = 0; i < sequences; i++) {
            int[] p = new int[promptTokens];
            for (int j = 0; j < promptTokens; j++) p[j] = r.nextInt(v);
            reqs.add(new Generator.Request(p, seed + i));
        }
        // No stop token: every sequence runs to the length limit.
        SamplingParams sp = SamplingParams.sample(1f, 1f, newTokens);
        Generator g = new Generator(m, null, sequences);
        // Three seconds of runs compile every path; then five repetitions of at least 0.3 s each, and their median.
        double sec = Timing.medianSeconds(() -> g.generate(new int[0], reqs, 1, sp, null), 5, 0.3, 3.0);
        long weights = m.weightBytes();
        double bytesPerToken = (double) weights * m.activeParameterCount() / m.parameterCount()
                + (double) m.newCache(1).bytesPerToken() * (promptTokens + newTokens / 2);
        double bound = memoryBandwidth() / bytesPerToken;
        return new Result(label, sequences, sequences * newTokens, sec, sequences * newTokens / sec, bound, weights);
    }

    /** Bytes per second of reading a 256 MB buffer with all threads (a STREAM-style sum). */
    public static double memoryBandwidth() {
        int n = 64 << 20;
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            float[] sink = new float[Parallel.threads()];
            Parallel.range(n, 1 << 20, (c, lo, hi) -> sink[c] = Kernels.sum(a, lo, hi - lo));
            best = Math.max(best, 4.0 * n / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }
}
