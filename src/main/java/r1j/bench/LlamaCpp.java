package r1j.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real llama.cpp as an oracle, through its C API: the shared libraries of the npm package @node-llama-cpp/linux-x64
 * (fetched once into ~/.cache/r1j/llama.cpp, never committed), called with the FFM API: the tests' oracle for GGUF
 * exports and {@code r1j bench real}'s peer. Nothing else loads it; r1j runs no native code of its own.
 *
 * <p>The parameter structs are passed by value; larger than 16 bytes, they travel in memory on x86-64, so a buffer at
 * least their size stands in for them. Fields are set by offset: n_ctx, n_batch and n_ubatch lead
 * llama_context_params; flash attention (which casts K and V to F16) and the F16 KV cache are switched off at offsets
 * found from the struct's default values (yarn_ext_factor's −1.0f follows flash_attn_type and two floats; type_k and
 * type_v follow defrag_thold and two pointers), and checked before they are written.
 */
public final class LlamaCpp implements AutoCloseable {
    static final String VERSION = "3.22.1";
    private static final Linker LINKER = Linker.nativeLinker();
    /** Stands in for llama_model_params and llama_context_params (256 bytes; each is smaller). */
    private static final MemoryLayout PARAMS = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(32, JAVA_LONG));
    private static final MemoryLayout BATCH = MemoryLayout.structLayout(JAVA_INT, MemoryLayout.paddingLayout(4),
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private final Arena arena = Arena.ofShared();
    private final SymbolLookup llama;
    private final java.util.Map<String, MethodHandle> handles = new java.util.concurrent.ConcurrentHashMap<>();

    private LlamaCpp(Path dir) throws Throwable {
        SymbolLookup.libraryLookup(dir.resolve("libggml-base.so"), arena);
        SymbolLookup ggml = SymbolLookup.libraryLookup(dir.resolve("libggml.v0.5.0.so"), arena);
        llama = SymbolLookup.libraryLookup(dir.resolve("libllama.v0.5.0.so"), arena);
        MethodHandle quiet = MethodHandles.lookup().findStatic(LlamaCpp.class, "log",
                MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
        MemorySegment stub = LINKER.upcallStub(quiet, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), arena);
        handle(ggml, "ggml_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).invoke(stub, MemorySegment.NULL);
        fn("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).invoke(stub, MemorySegment.NULL);
        handle(ggml, "ggml_backend_load_all_from_path", FunctionDescriptor.ofVoid(ADDRESS)).invoke(arena.allocateFrom(dir.toString()));
        fn("llama_backend_init", FunctionDescriptor.ofVoid()).invoke();
    }

    private static void log(int level, MemorySegment text, MemorySegment user) {
        // llama.cpp's loading chatter stays out of the test output
    }

    /** Loads the shared libraries (fetching the npm package on first use). */
    public static LlamaCpp open() throws Throwable {
        return new LlamaCpp(libraries());
    }

    /** llama.cpp's function name, its handle made once: a timed decode loop calls llama_decode per token. */
    private MethodHandle fn(String name, FunctionDescriptor fd) {
        return handles.computeIfAbsent(name, n -> handle(llama, n, fd));
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("llama.cpp has no " + name)), fd);
    }

    /** The logits of every position of ids, one row of vocab values each, from the GGUF file. */
    public float[][] logits(Path gguf, int[] ids) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                int nVocab = (int) fn("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invoke(vocab);
                MemorySegment cp = (MemorySegment) fn("llama_context_default_params", FunctionDescriptor.of(PARAMS))
                        .invoke((SegmentAllocator) a);
                int n = Math.max(ids.length, 8);
                cp.set(JAVA_INT, 0, n);
                cp.set(JAVA_INT, 4, n);
                cp.set(JAVA_INT, 8, n);
                exactContext(cp);
                MemorySegment ctx = (MemorySegment) fn("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, PARAMS))
                        .invoke(model, cp);
                if (ctx.equals(MemorySegment.NULL)) throw new IllegalStateException("llama.cpp could not make a context");
                try {
                    Batch batch = new Batch(a, ids.length);
                    for (int i = 0; i < ids.length; i++) batch.set(i, ids[i], i, 0, true);
                    decode(ctx, batch, ids.length);
                    MethodHandle ith = fn("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
                    float[][] logits = new float[ids.length][];
                    for (int i = 0; i < ids.length; i++) {
                        MemorySegment row = ((MemorySegment) ith.invoke(ctx, i)).reinterpret(4L * nVocab);
                        logits[i] = row.toArray(JAVA_FLOAT);
                    }
                    return logits;
                } finally {
                    fn("llama_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(ctx);
                }
            } finally {
                fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
        }
    }

    /** The model of a GGUF file, with llama.cpp's default parameters (free it with llama_model_free). */
    private MemorySegment load(Arena a, Path gguf) throws Throwable {
        MemorySegment mp = (MemorySegment) fn("llama_model_default_params", FunctionDescriptor.of(PARAMS))
                .invoke((SegmentAllocator) a);
        MemorySegment model = (MemorySegment) fn("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, PARAMS))
                .invoke(a.allocateFrom(gguf.toString()), mp);
        if (model.equals(MemorySegment.NULL)) throw new IllegalStateException("llama.cpp could not load " + gguf);
        return model;
    }

    /** llama.cpp's tokenization of text by the GGUF file's own vocabulary (no special tokens added). */
    public int[] tokenize(Path gguf, String text) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                MemorySegment t = a.allocate(utf8.length + 1);
                MemorySegment.copy(utf8, 0, t, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, utf8.length);
                MemorySegment out = a.allocate(JAVA_INT, utf8.length + 8);
                int n = (int) fn("llama_tokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                        JAVA_INT, java.lang.foreign.ValueLayout.JAVA_BOOLEAN, java.lang.foreign.ValueLayout.JAVA_BOOLEAN))
                        .invoke(vocab, t, utf8.length, out, utf8.length + 8, false, true);
                if (n < 0) throw new IllegalStateException("llama_tokenize returned " + n);
                return out.asSlice(0, 4L * n).toArray(JAVA_INT);
            } finally {
                fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
        }
    }

    /** The special token ids llama.cpp reads from a GGUF file: {bos, eos, pad} (−1: none). */
    public int[] specialTokens(Path gguf) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                int[] out = new int[3];
                String[] names = {"llama_vocab_bos", "llama_vocab_eos", "llama_vocab_pad"};
                for (int i = 0; i < 3; i++) out[i] = (int) fn(names[i], FunctionDescriptor.of(JAVA_INT, ADDRESS)).invoke(vocab);
                return out;
            } finally {
                fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
        }
    }

    /** A timed llama.cpp run: sequences decoding together after a prompt of random tokens each, on threads threads. */
    public record Workload(int sequences, int promptTokens, int newTokens, int threads, long seed) {}

    /** Seconds of the prompts' prefill (one batch) and of the decode steps after it (a token per sequence each). */
    public record Timings(double prefillSeconds, double decodeSeconds) {}

    /**
     * llama.cpp's time for w on the GGUF file, with its own defaults otherwise (flash attention as it chooses, an F16
     * KV cache): logits of every sequence's last token at each step, as a sampler needs them. The median of reps runs
     * after one untimed run, each in a fresh context.
     */
    public Timings time(Path gguf, Workload w, int reps) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) fn("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                int nVocab = (int) fn("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invoke(vocab);
                double[] prefill = new double[reps], decode = new double[reps];
                for (int r = -1; r < reps; r++) {
                    Timings t = timeOnce(model, w, nVocab);
                    if (r < 0) continue;
                    prefill[r] = t.prefillSeconds();
                    decode[r] = t.decodeSeconds();
                }
                java.util.Arrays.sort(prefill);
                java.util.Arrays.sort(decode);
                return new Timings(prefill[reps / 2], decode[reps / 2]);
            } finally {
                fn("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
        }
    }

    private Timings timeOnce(MemorySegment model, Workload w, int nVocab) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int seqs = w.sequences(), prompt = w.promptTokens();
            MemorySegment cp = (MemorySegment) fn("llama_context_default_params", FunctionDescriptor.of(PARAMS))
                    .invoke((SegmentAllocator) a);
            // n_ctx, n_batch, n_ubatch, n_seq_max lead the struct; their defaults (2048, 512, 1 after n_ctx) check it.
            if (cp.get(JAVA_INT, 4) != 2048 || cp.get(JAVA_INT, 8) != 512 || cp.get(JAVA_INT, 12) != 1) {
                throw new IllegalStateException("llama_context_params: n_batch/n_ubatch/n_seq_max not where expected");
            }
            // Each sequence gets n_ctx / n_seq_max cells of the cache, padded as llama.cpp pads them.
            int perSequence = (prompt + w.newTokens() + 8 + 255) / 256 * 256;
            cp.set(JAVA_INT, 0, seqs * perSequence);
            cp.set(JAVA_INT, 4, Math.max(seqs * prompt, seqs));
            cp.set(JAVA_INT, 12, seqs);
            MemorySegment ctx = (MemorySegment) fn("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, PARAMS))
                    .invoke(model, cp);
            if (ctx.equals(MemorySegment.NULL)) throw new IllegalStateException("llama.cpp could not make a context");
            try {
                fn("llama_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT))
                        .invoke(ctx, w.threads(), w.threads());
                java.util.SplittableRandom rng = new java.util.SplittableRandom(w.seed());
                Batch batch = new Batch(a, Math.max(seqs * prompt, seqs));
                for (int s = 0, i = 0; s < seqs; s++) {
                    for (int p = 0; p < prompt; p++, i++) batch.set(i, rng.nextInt(nVocab), p, s, p == prompt - 1);
                }
                long t0 = System.nanoTime();
                if (prompt > 0) decode(ctx, batch, seqs * prompt);
                long t1 = System.nanoTime();
                for (int step = 0; step < w.newTokens(); step++) {
                    for (int s = 0; s < seqs; s++) batch.set(s, rng.nextInt(nVocab), prompt + step, s, true);
                    decode(ctx, batch, seqs);
                }
                long t2 = System.nanoTime();
                return new Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9);
            } finally {
                fn("llama_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(ctx);
            }
        }
    }

    /** llama_decode of the batch's first n tokens (it returns when the logits are ready). */
    private void decode(MemorySegment ctx, Batch batch, int n) throws Throwable {
        batch.struct.set(JAVA_INT, 0, n);
        int rc = (int) fn("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH)).invoke(ctx, batch.struct);
        if (rc != 0) throw new IllegalStateException("llama_decode returned " + rc);
    }

    /** A llama_batch of up to capacity tokens, each of one sequence, in memory of an arena. */
    private static final class Batch {
        final MemorySegment struct, token, pos, nSeq, seqIds, seqs, logits;

        Batch(Arena a, int capacity) {
            struct = a.allocate(BATCH);
            token = a.allocate(JAVA_INT, capacity);
            pos = a.allocate(JAVA_INT, capacity);
            nSeq = a.allocate(JAVA_INT, capacity);
            seqIds = a.allocate(JAVA_INT, capacity);
            seqs = a.allocate(ADDRESS, capacity);
            logits = a.allocate(capacity);
            struct.set(ADDRESS, 8, token);
            struct.set(ADDRESS, 16, MemorySegment.NULL);
            struct.set(ADDRESS, 24, pos);
            struct.set(ADDRESS, 32, nSeq);
            struct.set(ADDRESS, 40, seqs);
            struct.set(ADDRESS, 48, logits);
            for (int i = 0; i < capacity; i++) {
                nSeq.setAtIndex(JAVA_INT, i, 1);
                seqs.setAtIndex(ADDRESS, i, seqIds.asSlice(4L * i, 4));
            }
        }

        /** Token i: id at position p of sequence s, its logits wanted or not. */
        void set(int i, int id, int p, int s, boolean wantLogits) {
            token.setAtIndex(JAVA_INT, i, id);
            pos.setAtIndex(JAVA_INT, i, p);
            seqIds.setAtIndex(JAVA_INT, i, s);
            logits.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (wantLogits ? 1 : 0));
        }
    }

    /** Flash attention off and the KV cache in F32, at offsets found and checked from the defaults. */
    private static void exactContext(MemorySegment cp) {
        int yarnExt = -1;
        for (int o = 12; o < 256; o += 4) {
            if (cp.get(JAVA_INT, o) == Float.floatToRawIntBits(-1f) && cp.get(JAVA_INT, o - 12) == -1) {
                yarnExt = o;
                break;
            }
        }
        if (yarnExt < 0) throw new IllegalStateException("llama_context_params: no yarn_ext_factor = -1 after flash_attn_type = -1");
        int flash = yarnExt - 12;
        int cbEval = (yarnExt + 24 + 7) / 8 * 8, typeK = cbEval + 16;
        if (cp.get(JAVA_INT, typeK) != 1 || cp.get(JAVA_INT, typeK + 4) != 1) {
            throw new IllegalStateException("llama_context_params: type_k/type_v (F16 = 1) not at offset " + typeK);
        }
        cp.set(JAVA_INT, flash, 0);
        cp.set(JAVA_INT, typeK, 0);
        cp.set(JAVA_INT, typeK + 4, 0);
    }

    @Override
    public void close() {
        arena.close();
    }

    /** The folder of the package's shared libraries, fetched with npm on first use. */
    static synchronized Path libraries() throws IOException, InterruptedException {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "r1j", "llama.cpp", VERSION);
        Path bins = cache.resolve("package").resolve("bins").resolve("linux-x64");
        if (Files.isRegularFile(bins.resolve("libllama.v0.5.0.so"))) return bins;
        Files.createDirectories(cache);
        run(cache, "npm", "pack", "--silent", "@node-llama-cpp/linux-x64@" + VERSION);
        Path tgz;
        try (var s = Files.list(cache)) {
            tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow(() -> new IOException("npm pack made no archive in " + cache));
        }
        run(cache, "tar", "xzf", tgz.getFileName().toString());
        if (!Files.isRegularFile(bins.resolve("libllama.v0.5.0.so"))) throw new IOException(tgz + " has no libllama");
        return bins;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (npm and the npm registry are needed): " + out);
        }
    }
}
