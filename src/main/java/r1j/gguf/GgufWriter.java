package r1j.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import r1j.io.AtomicFiles;
import r1j.io.DType;

/**
 * The GGUF file format (version 3, as ggml's gguf.h and gguf-py write it): a little-endian header ("GGUF", version,
 * tensor and key counts), typed metadata key/values, tensor infos (name, dims innermost first, ggml type, offset), then
 * the tensor data, each tensor aligned to 32 bytes. Tensors are asked for their values only when written.
 */
public final class GgufWriter {
    /** ggml tensor types r1j writes. */
    public enum TensorType {
        F32(0), F16(1), Q8_0(8), BF16(30);

        final int id;

        TensorType(int id) {
            this.id = id;
        }

        /** Bytes of n values (n a multiple of 32 for Q8_0: blocks of a half scale and 32 int8). */
        long bytes(long n) {
            return switch (this) {
                case F32 -> 4 * n;
                case F16, BF16 -> 2 * n;
                case Q8_0 -> n / 32 * 34;
            };
        }
    }

    private static final int ALIGNMENT = 32;
    // gguf value types
    private static final int UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;

    private record Tensor(String name, long[] ne, TensorType type, Supplier<float[]> values) {}

    private final Map<String, Object> kv = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** A metadata value: String, Integer (uint32), Float (float32), Boolean, or a List of Strings or Integers (int32). */
    public GgufWriter put(String key, Object value) {
        kv.put(key, value);
        return this;
    }

    /** A tensor of PyTorch shape (outermost first); GGUF stores the dimensions innermost first. */
    public GgufWriter tensor(String name, int[] shape, TensorType type, Supplier<float[]> values) {
        long[] ne = new long[shape.length];
        for (int i = 0; i < shape.length; i++) ne[i] = shape[shape.length - 1 - i];
        if (type == TensorType.Q8_0 && ne[0] % 32 != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': Q8_0 needs rows of a multiple of 32 values, not " + ne[0]);
        }
        tensors.add(new Tensor(name, ne, type, values));
        return this;
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, raw -> {
            OutputStream out = new BufferedOutputStream(raw, 1 << 20);
            Sink s = new Sink(out);
            s.bytes(new byte[] {'G', 'G', 'U', 'F'});
            s.u32(3);
            s.u64(tensors.size());
            s.u64(kv.size());
            for (var e : kv.entrySet()) {
                s.str(e.getKey());
                value(s, e.getKey(), e.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                s.str(t.name());
                s.u32(t.ne().length);
                for (long d : t.ne()) s.u64(d);
                s.u32(t.type().id);
                s.u64(offset);
                offset = align(offset + t.type().bytes(numel(t.ne())));
            }
            s.pad();
            long start = s.written;
            for (Tensor t : tensors) {
                float[] v = t.values().get();
                if (v.length != numel(t.ne())) throw new IllegalStateException("tensor '" + t.name() + "' has " + v.length + " values");
                data(s, t.type(), v);
                s.pad();
            }
            if (s.written - start != offset) throw new IllegalStateException("GGUF data section of " + (s.written - start) + " bytes, expected " + offset);
            out.flush();
        });
    }

    private static long numel(long[] ne) {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    private static long align(long x) {
        return (x + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void value(Sink s, String key, Object v) throws IOException {
        switch (v) {
            case String str -> {
                s.u32(STRING);
                s.str(str);
            }
            case Integer i -> {
                s.u32(UINT32);
                s.u32(i);
            }
            case Float f -> {
                s.u32(FLOAT32);
                s.f32(f);
            }
            case Boolean b -> {
                s.u32(BOOL);
                s.bytes(new byte[] {(byte) (b ? 1 : 0)});
            }
            case List<?> list -> {
                s.u32(ARRAY);
                boolean strings = !list.isEmpty() && list.get(0) instanceof String;
                s.u32(strings || list.isEmpty() ? STRING : INT32);
                s.u64(list.size());
                for (Object o : list) {
                    if (o instanceof String str) s.str(str);
                    else s.u32((Integer) o);
                }
            }
            default -> throw new IllegalArgumentException("GGUF key '" + key + "': no GGUF type for " + v.getClass().getSimpleName());
        }
    }

    private static void data(Sink s, TensorType type, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        if (type == TensorType.Q8_0) {
            byte[] q = new byte[32];
            for (int blk = 0; blk < v.length; blk += 32) {
                if (b.remaining() < 34) s.flush(b);
                b.putShort(r1j.tensor.Q8.quantize(v, blk, 32, q, 0));
                b.put(q);
            }
        } else {
            for (float f : v) {
                if (b.remaining() < 4) s.flush(b);
                switch (type) {
                    case F32 -> b.putFloat(f);
                    case F16 -> b.putShort(Float.floatToFloat16(f));
                    case BF16 -> b.putShort(DType.toBf16(f));
                    default -> throw new IllegalStateException();
                }
            }
        }
        s.flush(b);
    }

    /** Little-endian output that counts what it wrote. */
    private static final class Sink {
        final OutputStream out;
        long written;
        final ByteBuffer b8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Sink(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            written += b.length;
        }

        void u32(int v) throws IOException {
            b8.clear();
            b8.putInt(v);
            out.write(b8.array(), 0, 4);
            written += 4;
        }

        void u64(long v) throws IOException {
            b8.clear();
            b8.putLong(v);
            out.write(b8.array(), 0, 8);
            written += 8;
        }

        void f32(float v) throws IOException {
            u32(Float.floatToRawIntBits(v));
        }

        void str(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad() throws IOException {
            long p = align(written) - written;
            if (p > 0) bytes(new byte[(int) p]);
        }

        void flush(ByteBuffer b) throws IOException {
            out.write(b.array(), 0, b.position());
            written += b.position();
            b.clear();
        }
    }
}
