package r1j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * OpenBLAS's cblas_sgemm through the FFM API, for benchmark comparisons only (r1j never needs it to run).
 * OpenBLAS reads OPENBLAS_CORETYPE when it loads, so the comparison runs it in a child process whose environment
 * leaves that variable out ({@link MatmulBench}).
 */
public final class OpenBlas implements AutoCloseable {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private static final String[] NAMES = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};

    private final Arena arena = Arena.ofShared();
    private final MethodHandle sgemm;
    private final MethodHandle setThreads;
    private final MethodHandle coreName;

    private OpenBlas(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        ValueLayout p = ValueLayout.ADDRESS;
        sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i));
        setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(), FunctionDescriptor.ofVoid(i));
        coreName = linker.downcallHandle(lib.find("openblas_get_corename").orElseThrow(), FunctionDescriptor.of(p));
    }

    /** The library if one is installed (Debian: libopenblas-dev or libopenblas0). */
    public static Optional<OpenBlas> load() {
        for (String name : NAMES) {
            try {
                return Optional.of(new OpenBlas(SymbolLookup.libraryLookup(name, Arena.global())));
            } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
                // not this name; try the next
            }
        }
        return Optional.empty();
    }

    public String coreName() {
        try {
            MemorySegment s = (MemorySegment) coreName.invokeExact();
            return s.reinterpret(64).getString(0);
        } catch (Throwable t) {
            return "unknown";
        }
    }

    public void setThreads(int n) {
        try {
            setThreads.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    public MemorySegment allocate(float[] values) {
        MemorySegment s = arena.allocate((long) values.length * 4, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return s;
    }

    /** C = op(A)·op(B) in row-major storage, as {@link r1j.tensor.Gemm#gemm} with accumulate = false. */
    public void sgemm(MatmulShape s, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            sgemm.invokeExact(ROW_MAJOR, s.transA() ? TRANS : NO_TRANS, s.transB() ? TRANS : NO_TRANS,
                    s.m(), s.n(), s.k(), 1f, a, s.lda(), b, s.ldb(), 0f, c, s.n());
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
