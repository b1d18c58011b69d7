package r1j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import r1j.tensor.Gemm;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (docs/deepseek-v3.md §2.8): a little-endian u64 header length N, N bytes of JSON mapping names to
 * {dtype, shape, data_offsets}, padded with spaces to 8-byte alignment, then the raw little-endian data. Files are
 * read through a memory map; every header field is checked against the file before anything is allocated, and a
 * bad file fails with one message naming the file and the problem.
 */
public final class SafeTensors implements AutoCloseable {
    /** Larger headers are refused rather than read (real checkpoints have headers of a few MB at most). */
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One tensor's header entry; begin and end are offsets into the data section. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates a file; the caller closes it. */
    public static SafeTensors open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw bad(file, "no such file");
        long size = Files.size(file);
        if (size < 8) throw bad(file, "truncated: " + size + " bytes, but the header length alone takes 8");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 2 || n > size - 8) {
                throw bad(file, "header length " + Long.toUnsignedString(n) + " does not fit in the file (" + size + " bytes)");
            }
            if (n > MAX_HEADER) throw bad(file, "header length " + n + " is larger than " + MAX_HEADER + " bytes");
            byte[] header = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            long dataSize = size - 8 - n;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(file, header, dataSize, meta);
            return new SafeTensors(file, arena, all.asSlice(8 + n, dataSize), entries, meta);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, Entry> parseHeader(Path file, byte[] header, long dataSize, Map<String, String> meta) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad(file, "header is not valid JSON");
        }
        if (root == null || !root.isObject()) throw bad(file, "header is not a JSON object");
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            var f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (v.isObject()) v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
            if (dt == null || sh == null || off == null || !sh.isArray() || !off.isArray() || off.size() != 2) {
                throw bad(file, "tensor '" + name + "': entry needs dtype, shape and two data_offsets");
            }
            DType dtype = DType.parse(dt.asText());
            if (dtype == null) throw bad(file, "tensor '" + name + "': dtype " + dt.asText() + " is not supported (F32, BF16, F16)");
            int[] shape = new int[sh.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = sh.get(i).asLong(-1);
                if (!sh.get(i).canConvertToLong() || d < 0 || d > Integer.MAX_VALUE) {
                    throw bad(file, "tensor '" + name + "': bad dimension " + sh.get(i) + " in shape " + sh);
                }
                shape[i] = (int) d;
                numel = Math.multiplyExact(numel, d);
            }
            long begin = off.get(0).asLong(-1), end = off.get(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataSize) {
                throw bad(file, "tensor '" + name + "': data_offsets [" + off.get(0) + ", " + off.get(1)
                        + "] fall outside the " + dataSize + " bytes of data");
            }
            if (end - begin != numel * dtype.bytes) {
                throw bad(file, "tensor '" + name + "': " + dtype + " " + Arrays.toString(shape) + " needs "
                        + numel * dtype.bytes + " bytes but data_offsets span " + (end - begin));
            }
            out.put(name, new Entry(name, dtype, shape, begin, end));
        }
        List<Entry> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin() < at) throw bad(file, "tensor '" + e.name() + "' overlaps tensor '" + prev.name() + "'");
            if (e.begin() > at) {
                throw bad(file, "a gap of " + (e.begin() - at) + " bytes before tensor '" + e.name() + "' (tensors must cover the data)");
            }
            at = e.end();
            prev = e;
        }
        if (at != dataSize) throw bad(file, (dataSize - at) + " bytes of data after the last tensor");
        return out;
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file + ": " + what);
    }

    public Path file() {
        return file;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor converted to float32. */
    public float[] read(String name) {
        Entry e = entries.get(name);
        if (e == null) throw bad(file, "no tensor '" + name + "'");
        int n = (int) e.numel();
        float[] out = new float[n];
        MemorySegment s = data.asSlice(e.begin(), e.end() - e.begin());
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(s, F32, 0, out, 0, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) out[i] = DType.fromBf16(s.getAtIndex(I16, i));
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(s.getAtIndex(I16, i));
            }
        }
        return out;
    }

    /**
     * A 16-bit matrix kept 16-bit: packed for the matmul kernel straight from the map (no float32 copy), for a
     * frozen weight.
     */
    public Gemm.PackedB readPacked16(String name) {
        Entry e = entries.get(name);
        if (e == null) throw bad(file, "no tensor '" + name + "'");
        if (e.dtype() == DType.F32 || e.shape().length != 2) throw bad(file, "tensor '" + name + "' is not a 16-bit matrix");
        return Gemm.pack16(data, e.begin(), e.dtype() == DType.F16, e.shape()[0], e.shape()[1]);
    }

    @Override
    public void close() {
        arena.close();
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /**
     * A tensor to write: its shape, and its values, asked for only when written, so a file of many large tensors
     * (a frozen model widened, a random initialisation) never needs all of them in float32 at once.
     */
    public record Item(int[] shape, java.util.function.Supplier<float[]> source) {
        public Item(float[] values, int[] shape) {
            this(shape, () -> values);
        }

        public long numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    /** Writes tensors (in the given order) in one dtype, atomically. */
    public static void write(Path file, Map<String, Item> tensors, DType dtype, Map<String, String> metadata) throws IOException {
        write(file, tensors, name -> dtype, metadata);
    }

    /** Writes tensors (in the given order), each in the dtype dtypeOf gives its name, atomically. */
    public static void write(Path file, Map<String, Item> tensors, java.util.function.Function<String, DType> dtypeOf,
                             Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        header.put("__metadata__", meta);
        long at = 0;
        for (var e : tensors.entrySet()) {
            DType dtype = dtypeOf.apply(e.getKey());
            long bytes = e.getValue().numel() * dtype.bytes;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", e.getValue().shape());
            entry.put("data_offsets", new long[] {at, at + bytes});
            header.put(e.getKey(), entry);
            at += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] h = Arrays.copyOf(json, padded);
        Arrays.fill(h, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (var e : tensors.entrySet()) {
                float[] v = e.getValue().source().get();
                if (v.length != e.getValue().numel()) {
                    throw new IllegalStateException("tensor '" + e.getKey() + "' has " + v.length + " values for shape "
                            + Arrays.toString(e.getValue().shape()));
                }
                writeValues(out, v, dtypeOf.apply(e.getKey()));
            }
        });
    }

    private static void writeValues(OutputStream out, float[] v, DType dtype) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            if (buf.remaining() < 4) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            switch (dtype) {
                case F32 -> buf.putFloat(f);
                case BF16 -> buf.putShort(DType.toBf16(f));
                case F16 -> buf.putShort(Float.floatToFloat16(f));
            }
        }
        out.write(buf.array(), 0, buf.position());
    }
}
