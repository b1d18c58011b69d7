package r1j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import r1j.gguf.GgufExport;
import r1j.tensor.FrozenDtype;
import r1j.gguf.GgufWriter;
import r1j.io.Checkpoint;
import r1j.model.KvCache;
import r1j.model.Lora;
import r1j.model.LoraConfig;
import r1j.model.MemoryPlan;
import r1j.model.ModelConfig;
import r1j.model.LanguageModel;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Grad;
import r1j.tensor.PackedWeights;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/**
 * {@code r1j bench real}'s own side: decoding, prefill and training steps of a real-shape model, timed exactly as its
 * peers time theirs ({@link LlamaCpp#time}, scripts/bench_real.py), and the machine's bounds they are measured against.
 */
public final class RealBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private RealBench() {}

    /** The shapes the table measures, defined once: the issue-37 table's. */
    public static final int PROMPT_TOKENS = 16, PREFILL_TOKENS = 512, TRAIN_BATCH = 2, TRAIN_SEQ = 256, LORA_R = 16;

    /**
     * What to measure: the model folder, the thread counts (one-sequence decoding and prefill at each, the rest at the
     * largest), the sequences decoding together, new tokens per sequence, timed repetitions per figure (the median is
     * reported), which kinds of work ("decode", "prefill", "q8" — one sequence with 8-bit weights —, "full", "lora"), and whether the peers run too.
     */
    public record Settings(Path model, List<Integer> threads, List<Integer> sequences, int newTokens, int reps,
                           Set<String> work, boolean peers) {}

    /**
     * One line of the table: the work, its threads, r1j's tokens/s, the peer's (name and tokens/s; null where none
     * ran) and the machine's bound in tokens/s with what sets it.
     */
    public record Row(String work, int threads, double tokensPerSecond, String peer, Double peerTokensPerSecond,
                      double bound, String boundBy) {
        /** r1j over the peer (null without one). */
        public Double ratio() {
            return peerTokensPerSecond == null ? null : tokensPerSecond / peerTokensPerSecond;
        }
    }

    /** What the machine allows on some number of threads: bytes read per second, float32 FLOP/s. */
    private record Machine(double bandwidth, double peakFlops) {}

    /** Runs every measurement of s, handing each row to out as it is measured; progress and skips go to log. */
    public static void run(Settings s, Consumer<Row> out, PrintStream log) throws IOException {
        Transformer frozen = Checkpoint.loadFrozen(s.model());
        ModelConfig cfg = frozen.config();
        long total = frozen.parameterCount();
        long embed = (long) cfg.vocab_size() * cfg.hidden_size();
        // Multiply-adds per token are the weights used as matrices (an untied embedding is only looked up).
        long matmul = cfg.tie_word_embeddings() ? total : total - embed;
        double weightBytesPerStep = (double) frozen.weightBytes() * matmul / total;
        long kvPerToken = frozen.newCache(1).bytesPerToken();
        int maxThreads = s.threads().stream().mapToInt(Integer::intValue).max().orElse(Parallel.maxThreads());
        Map<Integer, Machine> machine = new TreeMap<>();
        for (int t : s.threads()) machine.put(t, new Machine(bandwidth(t), peakFlops(t)));

        LlamaCpp llama = null;
        Path gguf = null;
        if (s.peers() && (s.work().contains("decode") || s.work().contains("prefill") || s.work().contains("q8"))) {
            try {
                llama = LlamaCpp.open();
                gguf = Files.createTempFile("r1j-bench-real", ".gguf");
                log.println("exporting " + s.model() + " to GGUF BF16 for llama.cpp…");
                GgufExport.export(s.model(), gguf, GgufWriter.TensorType.BF16);
            } catch (Throwable e) { // a missing or unloadable library, or no npm to fetch it: the rows go without
                log.println("no llama.cpp peer (" + e + ")");
                llama = null;
            }
        }
        try {
            if (s.work().contains("decode")) {
                for (int seqs : s.sequences()) {
                    for (int t : seqs == 1 ? s.threads() : List.of(maxThreads)) {
                        LlamaCpp.Workload w = new LlamaCpp.Workload(seqs, PROMPT_TOKENS, s.newTokens(), t, 1);
                        double mine = seqs * s.newTokens() / decode(frozen, w, s.reps()).decodeSeconds();
                        Double peer = llama == null ? null : seqs * s.newTokens() / peerTime(llama, gguf, w, s.reps()).decodeSeconds();
                        double bytes = weightBytesPerStep + (double) seqs * kvPerToken * (PROMPT_TOKENS + s.newTokens() / 2.0);
                        double byMemory = seqs * machine.get(t).bandwidth() / bytes, byFlops = machine.get(t).peakFlops() / (2.0 * matmul);
                        out.accept(new Row("decode, " + seqs + (seqs == 1 ? " sequence" : " sequences"), t, mine,
                                llama == null ? null : "llama.cpp BF16", peer, Math.min(byMemory, byFlops),
                                byMemory < byFlops ? "memory" : "FLOPs"));
                    }
                }
            }
            if (s.work().contains("prefill")) {
                for (int t : s.threads()) {
                    LlamaCpp.Workload w = new LlamaCpp.Workload(1, PREFILL_TOKENS, 0, t, 1);
                    double mine = PREFILL_TOKENS / decode(frozen, w, s.reps()).prefillSeconds();
                    Double peer = llama == null ? null : PREFILL_TOKENS / peerTime(llama, gguf, w, s.reps()).prefillSeconds();
                    // Both compute the LM head for the last prompt token only.
                    double flops = 2.0 * (matmul - embed) + 2.0 * embed / PREFILL_TOKENS;
                    out.accept(new Row("prefill, " + PREFILL_TOKENS + " tokens", t, mine,
                            llama == null ? null : "llama.cpp BF16", peer, machine.get(t).peakFlops() / flops, "FLOPs"));
                }
            }
            if (s.work().contains("q8")) {
                // One sequence with 8-bit weights: r1j's Q8_0 blocks against llama.cpp's Q8_0 export of the same model.
                Transformer q8 = Checkpoint.loadFrozen(s.model(), null, FrozenDtype.Q8);
                double q8Bytes = (double) q8.weightBytes() * matmul / total;
                Path q8Gguf = null;
                if (llama != null) {
                    q8Gguf = Files.createTempFile("r1j-bench-real-q8", ".gguf");
                    log.println("exporting " + s.model() + " to GGUF Q8_0 for llama.cpp…");
                    GgufExport.export(s.model(), q8Gguf, GgufWriter.TensorType.Q8_0);
                }
                try {
                    for (int t : s.threads()) {
                        LlamaCpp.Workload w = new LlamaCpp.Workload(1, PROMPT_TOKENS, s.newTokens(), t, 1);
                        double mine = s.newTokens() / decode(q8, w, s.reps()).decodeSeconds();
                        Double peer = q8Gguf == null ? null : s.newTokens() / peerTime(llama, q8Gguf, w, s.reps()).decodeSeconds();
                        double bytes = q8Bytes + kvPerToken * (PROMPT_TOKENS + s.newTokens() / 2.0);
                        out.accept(new Row("decode q8, 1 sequence", t, mine, q8Gguf == null ? null : "llama.cpp Q8_0", peer,
                                machine.get(t).bandwidth() / bytes, "memory"));
                    }
                } finally {
                    if (q8Gguf != null) Files.deleteIfExists(q8Gguf);
                }
            }
        } finally {
            if (llama != null) llama.close();
            if (gguf != null) Files.deleteIfExists(gguf);
        }
        train(s, frozen, maxThreads, machine.get(maxThreads).peakFlops() / matmul, out, log);
    }

    /** llama.cpp's timings of w (its native calls declare Throwable). */
    private static LlamaCpp.Timings peerTime(LlamaCpp llama, Path gguf, LlamaCpp.Workload w, int reps) {
        try {
            return llama.time(gguf, w, reps);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("llama.cpp failed on " + w, e);
        }
    }

    /** The training rows: PyTorch's steps first (in a process of its own), then r1j's, LoRA on the frozen model. */
    private static void train(Settings s, Transformer frozen, int threads, double peakPerWeight, Consumer<Row> out,
                              PrintStream log) throws IOException {
        List<String> modes = new ArrayList<>();
        for (String m : List.of("full", "lora")) if (s.work().contains(m)) modes.add(m);
        if (modes.isEmpty()) return;
        MemoryPlan plan = new MemoryPlan(frozen.config(), 2);
        List<MemoryPlan.Need> needs = plan.needs(1, 0, TRAIN_BATCH * TRAIN_SEQ);
        if (modes.contains("full") && needs.get(1).bytes() > Runtime.getRuntime().maxMemory()) {
            log.println("full training needs " + MemoryPlan.gb(needs.get(1).bytes()) + ", more than this heap's "
                    + MemoryPlan.gb(Runtime.getRuntime().maxMemory()) + ": skipped (R1J_JAVA_OPTS=-Xmx… gives more)");
            modes.remove("full");
        }
        PyTorchPeer.Result torch = s.peers() ? PyTorchPeer.train(s.model(), modes, threads, s.reps(), log)
                : new PyTorchPeer.Result(null, Map.of());
        TrainShape shape = new TrainShape(TRAIN_BATCH, TRAIN_SEQ, threads, 1);
        int tokens = TRAIN_BATCH * TRAIN_SEQ;
        for (String mode : modes) {
            double secs;
            if (mode.equals("lora")) {
                Lora lora = Lora.init(frozen, new LoraConfig(LORA_R, 2.0 * LORA_R, 0, List.of("q_proj", "k_proj", "v_proj", "o_proj"), false), 1);
                secs = trainStep(frozen, lora.trainable(), shape, s.reps());
            } else {
                Transformer full = Checkpoint.load(s.model(), false);
                secs = trainStep(full, full.trainable(), shape, s.reps());
            }
            // A full step multiplies each weight 6 times per token (forward, input and weight gradients); LoRA's
            // frozen weights 4 (no weight gradient), its adapters being a rounding error.
            double bound = peakPerWeight / (mode.equals("full") ? 6 : 4);
            out.accept(new Row(mode.equals("full") ? "training step, full" : "training step, LoRA r=" + LORA_R, threads,
                    tokens / secs, torch.has(mode) ? "PyTorch " + torch.version() + " float32" : null,
                    torch.tokensPerSecond().get(mode), bound, "FLOPs"));
        }
    }

    /**
     * r1j's time for w, as llama.cpp's is taken: the prompts of all sequences in one step (the LM head on each last
     * row), then one token per sequence per step, logits for each; random tokens; the median of reps runs after one
     * untimed run.
     */
    public static LlamaCpp.Timings decode(LanguageModel m, LlamaCpp.Workload w, int reps) {
        double[] prefill = new double[reps], decode = new double[reps];
        for (int r = -1; r < reps; r++) {
            LlamaCpp.Timings t = onThreads(w.threads(), () -> decodeOnce(m, w));
            if (r < 0) continue;
            prefill[r] = t.prefillSeconds();
            decode[r] = t.decodeSeconds();
        }
        return new LlamaCpp.Timings(median(prefill), median(decode));
    }

    private static LlamaCpp.Timings decodeOnce(LanguageModel m, LlamaCpp.Workload w) {
        int seqs = w.sequences(), vocab = m.config().vocab_size();
        SplittableRandom rng = new SplittableRandom(w.seed());
        KvCache[] caches = new KvCache[seqs];
        int[][] prompts = new int[seqs][w.promptTokens()];
        for (int s = 0; s < seqs; s++) {
            caches[s] = m.newCache(w.promptTokens() + w.newTokens());
            for (int p = 0; p < w.promptTokens(); p++) prompts[s][p] = rng.nextInt(vocab);
        }
        try (var noGrad = Grad.noGrad(); var packed = PackedWeights.open()) {
            long t0 = System.nanoTime();
            if (w.promptTokens() > 0) m.extendLast(caches, prompts);
            long t1 = System.nanoTime();
            int[][] next = new int[seqs][1];
            for (int step = 0; step < w.newTokens(); step++) {
                for (int s = 0; s < seqs; s++) next[s][0] = rng.nextInt(vocab);
                m.extendLast(caches, next);
            }
            long t2 = System.nanoTime();
            return new LlamaCpp.Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }

    /** A training step's shape: batch sequences of seq random tokens. */
    public record TrainShape(int batch, int seq, int threads, long seed) {}

    /**
     * Median seconds of a training step — loss, backward, gradient clipping and AdamW over params — on m after one
     * untimed step (scripts/bench_real.py times PyTorch's the same way).
     */
    public static double trainStep(Transformer m, List<Tensor> params, TrainShape s, int reps) {
        AdamW opt = new AdamW(params, AdamW.Config.defaults());
        TrainBench.Batch b = TrainBench.Batch.random(s.batch(), s.seq(), m.config().vocab_size(), s.seed());
        double[] secs = new double[reps];
        for (int r = -1; r < reps; r++) {
            double t = onThreads(s.threads(), () -> {
                long t0 = System.nanoTime();
                TrainBench.step(m, params, opt, b, 1e-5f);
                return (System.nanoTime() - t0) / 1e9;
            });
            if (r >= 0) secs[r] = t;
        }
        return median(secs);
    }

    /**
     * The machine's float32 peak on threads threads, in FLOP/s: each thread runs fused multiply-adds on twelve
     * independent vector registers (enough to hide the FMA latency) with no memory traffic. The best of 20 runs of a
     * few milliseconds each: the first ones compile the loop.
     */
    public static double peakFlops(int threads) {
        return onThreads(threads, () -> {
            double best = 0;
            long iters = 2_000_000L;
            double[] sink = new double[threads];
            for (int rep = 0; rep < 20; rep++) {
                long t0 = System.nanoTime();
                Parallel.split(threads, threads, (c, lo, hi) -> sink[c] = fmaLoop(iters));
                double sec = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, threads * iters * 12.0 * 2 * S.length() / sec);
            }
            return best;
        });
    }

    /** Bytes per second of reading a 256 MB buffer on threads threads. */
    public static double bandwidth(int threads) {
        return onThreads(threads, GenerateBench::memoryBandwidth);
    }

    /** work's result, its kernels split over threads threads. */
    private static <T> T onThreads(int threads, Supplier<T> work) {
        List<T> out = new java.util.ArrayList<>(1);
        Parallel.withThreads(threads, () -> out.add(work.get()));
        return out.get(0);
    }

    /** iters steps of FMAs into twelve independent accumulators; their sum, so that the JIT keeps the work. */
    private static double fmaLoop(long iters) {
        FloatVector x = FloatVector.broadcast(S, 0.999f), y = FloatVector.broadcast(S, 1e-3f);
        FloatVector a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
