package r1j.gguf;

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
 * (fetched once into ~/.cache/r1j/llama.cpp, never committed), called with the FFM API. Only the tests use it.
 *
 * <p>The parameter structs are passed by value; larger than 16 bytes, they travel in memory on x86-64, so a buffer at
 * least their size stands in for them. Fields are set by offset: n_ctx, n_batch and n_ubatch lead
 * llama_context_params; flash attention (which casts K and V to F16) and the F16 KV cache are switched off at offsets
 * found from the struct's default values (yarn_ext_factor's −1.0f follows flash_attn_type and two floats; type_k and
 * type_v follow defrag_thold and two pointers), and checked before they are written.
 */
final class LlamaCpp implements AutoCloseable {
    static final String VERSION = "3.22.1";
    private static final Linker LINKER = Linker.nativeLinker();
    /** Stands in for llama_model_params and llama_context_params (256 bytes; each is smaller). */
    private static final MemoryLayout PARAMS = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(32, JAVA_LONG));
    private static final MemoryLayout BATCH = MemoryLayout.structLayout(JAVA_INT, MemoryLayout.paddingLayout(4),
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private final Arena arena = Arena.ofShared();
    private final SymbolLookup llama;

    private LlamaCpp(Path dir) throws Throwable {
        SymbolLookup.libraryLookup(dir.resolve("libggml-base.so"), arena);
        SymbolLookup ggml = SymbolLookup.libraryLookup(dir.resolve("libggml.v0.5.0.so"), arena);
        llama = SymbolLookup.libraryLookup(dir.resolve("libllama.v0.5.0.so"), arena);
        MethodHandle quiet = MethodHandles.lookup().findStatic(LlamaCpp.class, "log",
                MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
        MemorySegment stub = LINKER.upcallStub(quiet, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), arena);
        handle(ggml, "ggml_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).invoke(stub, MemorySegment.NULL);
        handle(llama, "llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).invoke(stub, MemorySegment.NULL);
        handle(ggml, "ggml_backend_load_all_from_path", FunctionDescriptor.ofVoid(ADDRESS)).invoke(arena.allocateFrom(dir.toString()));
        handle(llama, "llama_backend_init", FunctionDescriptor.ofVoid()).invoke();
    }

    static void log(int level, MemorySegment text, MemorySegment user) {
        // llama.cpp's loading chatter stays out of the test output
    }

    static LlamaCpp open() throws Throwable {
        return new LlamaCpp(libraries());
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("llama.cpp has no " + name)), fd);
    }

    /** The logits of every position of ids, one row of vocab values each, from the GGUF file. */
    float[][] logits(Path gguf, int[] ids) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) handle(llama, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                int nVocab = (int) handle(llama, "llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invoke(vocab);
                MemorySegment cp = (MemorySegment) handle(llama, "llama_context_default_params", FunctionDescriptor.of(PARAMS))
                        .invoke((SegmentAllocator) a);
                int n = Math.max(ids.length, 8);
                cp.set(JAVA_INT, 0, n);
                cp.set(JAVA_INT, 4, n);
                cp.set(JAVA_INT, 8, n);
                exactContext(cp);
                MemorySegment ctx = (MemorySegment) handle(llama, "llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, PARAMS))
                        .invoke(model, cp);
                if (ctx.equals(MemorySegment.NULL)) throw new IllegalStateException("llama.cpp could not make a context");
                try {
                    MemorySegment batch = a.allocate(BATCH);
                    MemorySegment tok = a.allocateFrom(JAVA_INT, ids), pos = a.allocate(JAVA_INT, ids.length);
                    MemorySegment nSeq = a.allocate(JAVA_INT, ids.length), seq0 = a.allocate(JAVA_INT), seqs = a.allocate(ADDRESS, ids.length);
                    MemorySegment out = a.allocate(ids.length);
                    for (int i = 0; i < ids.length; i++) {
                        pos.setAtIndex(JAVA_INT, i, i);
                        nSeq.setAtIndex(JAVA_INT, i, 1);
                        seqs.setAtIndex(ADDRESS, i, seq0);
                        out.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) 1);
                    }
                    batch.set(JAVA_INT, 0, ids.length);
                    batch.set(ADDRESS, 8, tok);
                    batch.set(ADDRESS, 16, MemorySegment.NULL);
                    batch.set(ADDRESS, 24, pos);
                    batch.set(ADDRESS, 32, nSeq);
                    batch.set(ADDRESS, 40, seqs);
                    batch.set(ADDRESS, 48, out);
                    int rc = (int) handle(llama, "llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH)).invoke(ctx, batch);
                    if (rc != 0) throw new IllegalStateException("llama_decode returned " + rc);
                    MethodHandle ith = handle(llama, "llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
                    float[][] logits = new float[ids.length][];
                    for (int i = 0; i < ids.length; i++) {
                        MemorySegment row = ((MemorySegment) ith.invoke(ctx, i)).reinterpret(4L * nVocab);
                        logits[i] = row.toArray(JAVA_FLOAT);
                    }
                    return logits;
                } finally {
                    handle(llama, "llama_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(ctx);
                }
            } finally {
                handle(llama, "llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
        }
    }

    /** The model of a GGUF file, with llama.cpp's default parameters (free it with llama_model_free). */
    private MemorySegment load(Arena a, Path gguf) throws Throwable {
        MemorySegment mp = (MemorySegment) handle(llama, "llama_model_default_params", FunctionDescriptor.of(PARAMS))
                .invoke((SegmentAllocator) a);
        MemorySegment model = (MemorySegment) handle(llama, "llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, PARAMS))
                .invoke(a.allocateFrom(gguf.toString()), mp);
        if (model.equals(MemorySegment.NULL)) throw new IllegalStateException("llama.cpp could not load " + gguf);
        return model;
    }

    /** llama.cpp's tokenization of text by the GGUF file's own vocabulary (no special tokens added). */
    int[] tokenize(Path gguf, String text) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) handle(llama, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                MemorySegment t = a.allocate(utf8.length + 1);
                MemorySegment.copy(utf8, 0, t, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, utf8.length);
                MemorySegment out = a.allocate(JAVA_INT, utf8.length + 8);
                int n = (int) handle(llama, "llama_tokenize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                        JAVA_INT, java.lang.foreign.ValueLayout.JAVA_BOOLEAN, java.lang.foreign.ValueLayout.JAVA_BOOLEAN))
                        .invoke(vocab, t, utf8.length, out, utf8.length + 8, false, true);
                if (n < 0) throw new IllegalStateException("llama_tokenize returned " + n);
                return out.asSlice(0, 4L * n).toArray(JAVA_INT);
            } finally {
                handle(llama, "llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
        }
    }

    /** The special token ids llama.cpp reads from a GGUF file: {bos, eos, pad} (−1: none). */
    int[] specialTokens(Path gguf) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment model = load(a, gguf);
            try {
                MemorySegment vocab = (MemorySegment) handle(llama, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS)).invoke(model);
                int[] out = new int[3];
                String[] names = {"llama_vocab_bos", "llama_vocab_eos", "llama_vocab_pad"};
                for (int i = 0; i < 3; i++) out[i] = (int) handle(llama, names[i], FunctionDescriptor.of(JAVA_INT, ADDRESS)).invoke(vocab);
                return out;
            } finally {
                handle(llama, "llama_model_free", FunctionDescriptor.ofVoid(ADDRESS)).invoke(model);
            }
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
