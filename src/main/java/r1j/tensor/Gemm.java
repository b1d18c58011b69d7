package r1j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one matrix multiply of r1j: {@code C[M,N] (+)= op(A)[M,K] · op(B)[K,N]} in float32, every layout that a
 * forward and backward pass needs (x·Wᵀ, dY·W, dYᵀ·X) through one kernel.
 *
 * <p>The structure is BLIS's (Van Zee &amp; van de Geijn, 2015): op(B) is packed into KC×NR slivers that stay in L1,
 * op(A) into MR×KC slivers, and a register-tiled micro-kernel keeps an MR×NR block of C in MR·NR/lanes vector
 * accumulators, broadcasting one A element against NR/lanes contiguous B vectors per step. Packing turns every
 * layout into the same two streams, so transposition costs one O(MK + KN) copy instead of a second kernel.
 * Threads each take a contiguous band of C's rows (or of its columns when M is small) and run the loops on it.
 *
 * <p>Every element of C is one sequential chain of fused multiply-adds over k in order, whatever M, the tile it
 * falls in or the thread count: a row's result does not depend on which other rows share the call. The generator
 * relies on this (a sequence samples the same tokens whatever batch it decodes in).
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    static final int KC = 512;
    /** MR floats as one vector, for copying a packed row of A. */
    private static final VectorSpecies<Float> S_MR = FloatVector.SPECIES_256;
    static final int MC = 64 * MR / 8 * 2;
    static final int NC = 2048;

    private static final ThreadLocal<float[]> PACK_A = ThreadLocal.withInitial(() -> new float[MC * KC]);
    private static final ThreadLocal<float[]> PACK_B = ThreadLocal.withInitial(() -> new float[KC * NC]);
    private static final ThreadLocal<int[]> GATHER = ThreadLocal.withInitial(() -> new int[L]);
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);
    /** One KC×NR sliver of a 16-bit weight widened to float32 for the kernel. */
    private static final ThreadLocal<float[]> SLIVER = ThreadLocal.withInitial(() -> new float[KC * NR]);
    private static final VectorSpecies<Short> S16 = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> S32 = S.withLanes(int.class);
    /** L bytes: one vector's worth of Q8_0 values. */
    static final VectorSpecies<Byte> S8 = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Gemm() {}

    /**
     * A matrix inside an array, as BLAS passes one: element (i, j) of the matrix as stored is data[offset + i·ld + j].
     * Transposed, the stored matrix is the operand's transpose (A stored [K,M] for op(A) = Aᵀ).
     */
    public record Operand(float[] data, int offset, int ld, boolean transposed) {
        /** The matrix stored as it is used, rows ld apart from offset. */
        public static Operand of(float[] data, int offset, int ld) {
            return new Operand(data, offset, ld, false);
        }

        /** The matrix stored transposed (its columns are the stored rows, ld apart from offset). */
        public static Operand transposed(float[] data, int offset, int ld) {
            return new Operand(data, offset, ld, true);
        }
    }

    /** C[M,N] = A[M,K] · B[N,K]ᵀ, all contiguous (the x·Wᵀ of a linear layer). */
    public static void matmulNT(int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        gemm(m, n, k, Operand.of(a, 0, k), Operand.transposed(b, 0, k), Operand.of(c, 0, n), accumulate);
    }

    /**
     * C[M,N] = op(A)[M,K]·op(B)[K,N], or with accumulate C += op(A)·op(B). op(A) is A stored [M,K], or [K,M] when
     * a is transposed; op(B) is B stored [K,N], or [N,K] when b is transposed; c is not transposed.
     */
    public static void gemm(int m, int n, int k, Operand a, Operand b, Operand c, boolean accumulate) {
        run(m, n, new Call(k, a, b, c, accumulate, null));
    }

    /** C[M,N] (+)= A[M,K]·Wᵀ with W packed beforehand ({@link #pack}): the same arithmetic, without packing W. */
    public static void gemmPacked(int m, Operand a, PackedB w, Operand c, boolean accumulate) {
        if (Gemv.handles(m, w, a.transposed())) {
            Gemv.run(w, a.data(), a.offset(), c.data(), c.offset(), accumulate);
            return;
        }
        run(m, w.n, new Call(w.k, a, Operand.transposed(null, 0, w.k), c, accumulate, w));
    }

    /**
     * C[M,K] (+)= A[M,N]·W with W [N,K] packed (the input gradient dY·W of a frozen linear layer): op(B) is packed
     * from W's slivers as it would be from W itself, so the arithmetic is the same as {@link #gemm} on W's values.
     */
    public static void gemmPackedNN(int m, Operand a, PackedB w, Operand c, boolean accumulate) {
        run(m, w.k, new Call(w.n, a, Operand.of(null, 0, 0), c, accumulate, w));
    }

    /** One product: the inner dimension, the operands, whether C accumulates, and a packed op(B) or W (or null). */
    private record Call(int k, Operand a, Operand b, Operand c, boolean accumulate, PackedB pre) {}

    /**
     * A weight W [N,K] used as x·Wᵀ, packed once into the kernel's slivers for every KC block: in float32; in
     * 16 bits (bfloat16 or IEEE half, as the checkpoint stores it) for frozen weights, which the kernel widens one
     * KC×NR sliver at a time, so the heap never holds a float32 copy; or in 8 bits ({@link Q8}'s blocks of 32 along K
     * with a half scale each, {@link #packQ8}), which the kernel reads back as q·d. Widening is exact, and so is q·d
     * (7 bits times an 11-bit significand), so a packed weight gives bit for bit the result of the float32 values it
     * holds.
     */
    public static final class PackedB {
        final int n, k;
        final float[] data;
        final short[] half;
        /** Whether half holds IEEE binary16 (else bfloat16). */
        final boolean f16;
        /**
         * Q8_0 values in the slivers' order, and their scales, each sliver's along K so that they stream with its
         * values: block b of row r at scale[scaleAt(r / NR, b) + r % NR].
         */
        final byte[] q8;
        final float[] scale;
        /** N rounded up to whole slivers. */
        final int kBlocks;
        final int[] blockOffset;

        /** values is the float[], short[] (f16 or bfloat16) or byte[] (with scale) the slivers hold. */
        private PackedB(int n, int k, Object values, boolean f16, float[] scale, int[] blockOffset) {
            this.n = n;
            this.k = k;
            this.data = values instanceof float[] f ? f : null;
            this.half = values instanceof short[] h ? h : null;
            this.q8 = values instanceof byte[] b ? b : null;
            this.f16 = f16;
            this.scale = scale;
            this.kBlocks = (k + Q8.BLOCK - 1) / Q8.BLOCK;
            this.blockOffset = blockOffset;
        }

        public int rows() {
            return n;
        }

        public int cols() {
            return k;
        }

        /** Bytes held (padding included). */
        public long bytes() {
            if (q8 != null) return q8.length + 4L * scale.length;
            return half != null ? 2L * half.length : 4L * data.length;
        }

        /** Where W[row, col] lies in the packed slivers. */
        private int index(int row, int col) {
            int bl = col / KC, pc = bl * KC, kc = Math.min(KC, k - pc);
            return blockOffset[bl] + (row / NR) * NR * kc + (col - pc) * NR + row % NR;
        }

        public float get(int row, int col) {
            return value(index(row, col), row, col);
        }

        /** The value at packed index i, which holds W[row, col]. */
        float value(int i, int row, int col) {
            if (q8 != null) return q8[i] * scale[scaleAt(row / NR, col / Q8.BLOCK) + row % NR];
            return half == null ? data[i] : widen(half[i], f16);
        }

        private volatile PackedB q8Copy;

        /**
         * These weights as Q8_0 blocks: this weight itself when it is one, else its 8-bit copy, quantised on first use
         * and kept (a frozen weight does not change), for generating with 8-bit weights beside the 16-bit ones a trainer
         * reads.
         */
        public PackedB q8Copy() {
            if (q8 != null) return this;
            PackedB c = q8Copy;
            if (c == null) {
                synchronized (this) {
                    if (q8Copy == null) q8Copy = packQ8(this);
                    c = q8Copy;
                }
            }
            return c;
        }

        /** Where the NR scales of a sliver's block of 32 steps of K start. */
        int scaleAt(int sliver, int block) {
            return (sliver * kBlocks + block) * NR;
        }

        /** Whether the weights are Q8_0 blocks. */
        public boolean isQ8() {
            return q8 != null;
        }

        /** Row r of W into dst[off, off + K). */
        public void row(int r, float[] dst, int off) {
            for (int c = 0; c < k; c++) dst[off + c] = get(r, c);
        }

        /** W as a row-major float32 array. */
        public float[] toFloat() {
            float[] out = new float[n * k];
            for (int r = 0; r < n; r++) row(r, out, r * k);
            return out;
        }
    }

    static float widen(short h, boolean f16) {
        return f16 ? Float.float16ToFloat(h) : Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** Widens count 16-bit values (count a multiple of L) to float32. */
    private static void widen(short[] src, int off, int count, boolean f16, float[] dst) {
        if (f16) {
            for (int i = 0; i < count; i++) dst[i] = Float.float16ToFloat(src[off + i]);
            return;
        }
        for (int i = 0; i < count; i += L) {
            ShortVector h = ShortVector.fromArray(S16, src, off + i);
            ((IntVector) h.convertShape(VectorOperators.S2I, S32, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats().intoArray(dst, i);
        }
    }

    /**
     * Packs a 16-bit weight W [N,K] (little-endian bfloat16 or IEEE half, row-major from byte offset base of seg,
     * e.g. a memory-mapped safetensors file) into the kernel's slivers without widening it.
     */
    public static PackedB pack16(MemorySegment seg, long base, boolean f16, int n, int k) {
        int nPad = (n + NR - 1) / NR * NR, blocks = (k + KC - 1) / KC;
        int[] off = new int[blocks];
        for (int bl = 0; bl < blocks; bl++) off[bl] = nPad * bl * KC;
        short[] half = new short[Math.multiplyExact(nPad, k)];
        PackedB w = new PackedB(n, k, half, f16, null, off);
        // A sliver's NR rows are read from the map in bulk, then written out in the sliver's order, so the writes
        // are sequential (a stride-NR scatter misses the cache at every element); slivers go to the threads.
        Parallel.range(nPad / NR, 1, (chunk, lo, hi) -> {
            short[] rows = new short[NR * k];
            for (int sl = lo; sl < hi; sl++) {
                int r0 = sl * NR, nr = Math.min(NR, n - r0);
                java.util.Arrays.fill(rows, (short) 0);
                for (int q = 0; q < nr; q++) MemorySegment.copy(seg, I16, base + 2L * (r0 + q) * k, rows, q * k, k);
                for (int bl = 0; bl < blocks; bl++) {
                    int pc = bl * KC, kc = Math.min(KC, k - pc), dst = off[bl] + r0 * kc;
                    for (int c = pc; c < pc + kc; c++) for (int q = 0; q < NR; q++) half[dst++] = rows[q * k + c];
                }
            }
        });
        return w;
    }

    public static PackedB pack(float[] w, int n, int k) {
        int nPad = (n + NR - 1) / NR * NR, blocks = (k + KC - 1) / KC;
        int[] off = new int[blocks];
        float[] data = new float[nPad * k];
        for (int bl = 0; bl < blocks; bl++) {
            int pc = bl * KC, kc = Math.min(KC, k - pc);
            off[bl] = nPad * pc;
            float[] tmp = new float[nPad * kc];
            packB(Operand.transposed(w, 0, k), new Block(pc, kc, 0, n), tmp);
            System.arraycopy(tmp, 0, data, off[bl], tmp.length);
        }
        return new PackedB(n, k, data, false, null, off);
    }

    /** Row r of a weight W [N,K] into dst[0, K): where {@link #packQ8} reads the values it quantises. */
    @FunctionalInterface
    public interface Rows {
        void read(int r, float[] dst);
    }

    /** W [N,K] row-major quantised to Q8_0 ({@link Q8}) and packed in the kernel's slivers. */
    public static PackedB packQ8(float[] w, int n, int k) {
        return packQ8(n, k, (r, dst) -> System.arraycopy(w, r * k, dst, 0, k));
    }

    /** A packed weight's values quantised to Q8_0 (a frozen 16-bit weight's 8-bit copy for generating). */
    public static PackedB packQ8(PackedB w) {
        return packQ8(w.n, w.k, (r, dst) -> w.row(r, dst, 0));
    }

    /**
     * W [N,K], one row at a time from rows, as Q8_0 blocks of 32 along K in the kernel's slivers: the int8 values where
     * a 16-bit weight's slivers put its values, the scales apart (padding rows hold zeros).
     */
    public static PackedB packQ8(int n, int k, Rows rows) {
        int nPad = (n + NR - 1) / NR * NR, blocks = (k + KC - 1) / KC, kBlocks = (k + Q8.BLOCK - 1) / Q8.BLOCK;
        int[] off = new int[blocks];
        for (int bl = 0; bl < blocks; bl++) off[bl] = nPad * bl * KC;
        byte[] q = new byte[Math.multiplyExact(nPad, k)];
        float[] scale = new float[kBlocks * nPad];
        int scaleStride = kBlocks * NR;
        Parallel.range(nPad / NR, 1, (chunk, lo, hi) -> {
            float[] row = new float[k];
            byte[] qRow = new byte[k];
            for (int sl = lo; sl < hi; sl++) {
                for (int lane = 0; lane < NR && sl * NR + lane < n; lane++) {
                    int r = sl * NR + lane;
                    rows.read(r, row);
                    for (int b = 0; b < kBlocks; b++) {
                        int c0 = b * Q8.BLOCK;
                        scale[sl * scaleStride + b * NR + lane] = Float.float16ToFloat(Q8.quantize(row, c0, Math.min(Q8.BLOCK, k - c0), qRow, c0));
                    }
                    for (int bl = 0; bl < blocks; bl++) {
                        int pc = bl * KC, kc = Math.min(KC, k - pc), dst = off[bl] + sl * NR * kc + lane;
                        for (int c = 0; c < kc; c++) q[dst + c * NR] = qRow[pc + c];
                    }
                }
            }
        });
        return new PackedB(n, k, q, false, scale, off);
    }

    /**
     * The KC×NR sliver of a Q8_0 weight at packed index off (rows j0.. of W, columns pc..) as floats q·d: a vector of
     * the sliver's NR scales per 32 steps of K, each value widened from int8 and scaled in registers (exact).
     */
    private static void dequantize(PackedB w, int off, int pc, int kc, int j0, float[] dst) {
        for (int p = 0; p < kc; p++) {
            int sc = w.scaleAt(j0 / NR, (pc + p) / Q8.BLOCK), src = off + p * NR;
            ((FloatVector) ByteVector.fromArray(S8, w.q8, src).convertShape(VectorOperators.B2F, S, 0))
                    .mul(FloatVector.fromArray(S, w.scale, sc)).intoArray(dst, p * NR);
            ((FloatVector) ByteVector.fromArray(S8, w.q8, src + L).convertShape(VectorOperators.B2F, S, 0))
                    .mul(FloatVector.fromArray(S, w.scale, sc + L)).intoArray(dst, p * NR + L);
        }
    }

    private static void run(int m, int n, Call call) {
        int k = call.k(), cOff = call.c().offset(), ldc = call.c().ld();
        boolean transA = call.a().transposed();
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!call.accumulate()) for (int i = 0; i < m; i++) java.util.Arrays.fill(call.c().data(), cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = (long) m * n * k;
        int byRows = Parallel.chunks(m / MR, 1);
        int byCols = Parallel.chunks(n / NR, 1);
        // Each thread packs all of op(B) when rows are split, and all of op(A) (only when transposed) when
        // columns are: split the way that duplicates less packing.
        boolean splitRows = byCols >= Parallel.threads() && (!transA || n >= m) ? false : byRows >= byCols;
        // Below ~1M multiply-adds (a few microseconds) a hand-off to another thread costs more than it saves.
        int chunks = work < (1 << 20) ? 1 : (splitRows ? byRows : byCols);
        if (chunks <= 1) {
            blocked(call, 0, m, 0, n);
            return;
        }
        final int tiles = splitRows ? (m + MR - 1) / MR : (n + NR - 1) / NR;
        Parallel.range(tiles, Math.max(1, tiles / chunks), (ch, lo, hi) -> {
            if (splitRows) blocked(call, lo * MR, Math.min(m, hi * MR), 0, n);
            else blocked(call, 0, m, lo * NR, Math.min(n, hi * NR));
        });
    }

    /**
     * Where the micro-kernel reads its MR rows of op(A): row r of the sliver at off + r·rs, step p at + p·ks. One per
     * loop nest, moved from tile to tile (an object per tile would cost an allocation per 8×16 tile).
     */
    private static final class ASliver {
        float[] data;
        int off, rs, ks;
    }

    /** Where the micro-kernel writes its MR×NR tile: row r at off + r·ld of data, added to when add. */
    private static final class CTile {
        float[] data;
        int off, ld;
        boolean add;
    }

    /** The BLIS loop nest over C[i0:i1, j0:j1]. */
    private static void blocked(Call call, int i0, int i1, int j0, int j1) {
        int k = call.k();
        boolean transA = call.a().transposed(), transB = call.b().transposed(), accumulate = call.accumulate();
        float[] a = call.a().data(), c = call.c().data();
        int aOff = call.a().offset(), lda = call.a().ld(), cOff = call.c().offset(), ldc = call.c().ld();
        PackedB pre = call.pre();
        ASliver as = new ASliver();
        CTile ct = new CTile();
        // With transB, pre is op(B) already packed; without, pre is the weight W whose values op(B) is packed from.
        PackedB src = transB ? null : pre;
        if (!transB) pre = null;
        float[] pa = PACK_A.get();
        float[] pb = pre != null && pre.data != null ? pre.data : PACK_B.get();
        float[] edge = EDGE.get();
        float[] sliver = pre != null && (pre.half != null || pre.q8 != null) ? SLIVER.get() : null;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                int pbBase = 0;
                if (src != null) packB(src, pc, kc, jc, nc, pb);
                else if (pre == null) packB(call.b(), new Block(pc, kc, jc, nc), pb);
                else pbBase = pre.blockOffset[pc / KC] + jc * kc;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    // A stored [M,K] is read in place (rows are contiguous streams along K); only A stored
                    // transposed, and a last partial sliver, are packed.
                    if (transA) packA(call.a(), new Block(ic, mc, pc, kc), pa);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int pbOff = pbBase + jr * kc;
                        float[] bs = pb;
                        short[] bh = null;
                        if (sliver != null && mc <= MR && pre.half != null && !pre.f16) {
                            bh = pre.half;
                        } else if (sliver != null) {
                            if (pre.q8 != null) dequantize(pre, pbOff, pc, kc, jc + jr, sliver);
                            else widen(pre.half, pbOff, kc * NR, pre.f16, sliver);
                            bs = sliver;
                            pbOff = 0;
                        }
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ao, rs, ks;
                            if (transA) {
                                ao = ir * kc;
                                rs = 1;
                                ks = MR;
                            } else if (mr == MR) {
                                ao = aOff + (ic + ir) * lda + pc;
                                rs = lda;
                                ks = 1;
                            } else {
                                packA(call.a(), new Block(ic + ir, mr, pc, kc), pa);
                                ao = 0;
                                rs = 1;
                                ks = MR;
                            }
                            as.data = transA || mr < MR ? pa : a;
                            as.off = ao;
                            as.rs = rs;
                            as.ks = ks;
                            int co = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                ct.data = c;
                                ct.off = co;
                                ct.ld = ldc;
                                ct.add = add;
                                kernel(kc, as, bs, bh, pbOff, ct);
                            } else {
                                // The edge tile continues C's chain exactly as a full tile does: it starts from C's
                                // values (or zeros), so a row's sums do not depend on where the tile boundaries fall.
                                java.util.Arrays.fill(edge, 0f);
                                if (add) for (int r = 0; r < mr; r++) System.arraycopy(c, co + r * ldc, edge, r * NR, nr);
                                ct.data = edge;
                                ct.off = 0;
                                ct.ld = NR;
                                ct.add = true;
                                kernel(kc, as, bs, bh, pbOff, ct);
                                for (int r = 0; r < mr; r++) System.arraycopy(edge, r * NR, c, co + r * ldc, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A block of a matrix: rows [r0, r0 + rows) and columns [c0, c0 + cols). */
    private record Block(int r0, int rows, int c0, int cols) {}

    /** Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row slivers: pa[sliver*MR*kc + p*MR + r], zero-padded rows. */
    private static void packA(Operand op, Block blk, float[] pa) {
        boolean transA = op.transposed();
        float[] a = op.data();
        int aOff = op.offset(), lda = op.ld(), ic = blk.r0(), mc = blk.rows(), pc = blk.c0(), kc = blk.cols();
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (!transA) {
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (ic + ir + r) * lda + pc;
                        for (int p = 0; p < kc; p++) pa[base + p * MR + r] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) pa[base + p * MR + r] = 0f;
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    if (mr == MR) {
                        FloatVector.fromArray(S_MR, a, src).intoArray(pa, dst);
                    } else {
                        for (int r = 0; r < mr; r++) pa[dst + r] = a[src + r];
                        for (int r = mr; r < MR; r++) pa[dst + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column slivers: pb[jr*kc + p*NR + q], zero-padded columns. */
    private static void packB(Operand op, Block blk, float[] pb) {
        boolean transB = op.transposed();
        float[] b = op.data();
        int bOff = op.offset(), ldb = op.ld(), pc = blk.r0(), kc = blk.rows(), jc = blk.c0(), nc = blk.cols();
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (transB && nr == NR) {
                // A transpose: one gather of L elements a stride ldb apart per vector of the sliver.
                int[] idx = GATHER.get();
                for (int q = 0; q < L; q++) idx[q] = q * ldb;
                int src0 = bOff + (jc + jr) * ldb + pc, src1 = src0 + L * ldb;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, b, src0 + p, idx, 0).intoArray(pb, base + p * NR);
                    FloatVector.fromArray(S, b, src1 + p, idx, 0).intoArray(pb, base + p * NR + L);
                }
            } else if (transB) {
                for (int q = 0; q < NR; q++) {
                    if (q < nr) {
                        int src = bOff + (jc + jr + q) * ldb + pc;
                        for (int p = 0; p < kc; p++) pb[base + p * NR + q] = b[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) pb[base + p * NR + q] = 0f;
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    if (nr == NR) {
                        System.arraycopy(b, src, pb, dst, NR);
                    } else {
                        System.arraycopy(b, src, pb, dst, nr);
                        java.util.Arrays.fill(pb, dst + nr, dst + NR, 0f);
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] = W[pc:pc+kc, jc:jc+nc] of a packed weight W [N,K] (B = W, not transposed). A
     * sliver of op(B) is NR columns of W (within one KC block of W, as both are multiples of NR) over kc rows; in W's
     * own slivers those rows' values lie NR apart, so each row is a stride-NR read inside one 2 KB tile.
     */
    private static void packB(PackedB w, int pc, int kc, int jc, int nc, float[] pb) {
        for (int jr = 0; jr < nc; jr += NR) {
            int j0 = jc + jr, nr = Math.min(NR, nc - jr), base = jr * kc;
            int bl = j0 / KC, kcW = Math.min(KC, w.k - bl * KC), col = (j0 - bl * KC) * NR;
            for (int p = 0; p < kc; p++) {
                int row = pc + p, src = w.blockOffset[bl] + (row / NR) * NR * kcW + col + row % NR, dst = base + p * NR;
                if (w.q8 != null) {
                    for (int q = 0; q < nr; q++) pb[dst + q] = w.value(src + q * NR, row, j0 + q);
                } else if (w.half != null) {
                    for (int q = 0; q < nr; q++) pb[dst + q] = widen(w.half[src + q * NR], w.f16);
                } else {
                    for (int q = 0; q < nr; q++) pb[dst + q] = w.data[src + q * NR];
                }
                for (int q = nr; q < NR; q++) pb[dst + q] = 0f;
            }
        }
    }

    /**
     * The MR×NR register tile: 8 rows × 2 vectors = 16 accumulators. Everything is written out in this one method
     * (no helper calls): a vector that crosses a call the JIT did not inline is boxed, which costs 8× here.
     */
    private static void kernel(int kc, ASliver as, float[] pb, int pbOff, CTile ct) {
        kernel(kc, as, pb, null, pbOff, ct);
    }

    /**
     * The register tile over op(B) given as floats (pb) or as a 16-bit weight's bfloat16 sliver (ph, widened in
     * registers, which is exact): when only one MR-row sliver of A meets each sliver of B (decoding up to MR
     * sequences), widening the sliver into a buffer first would add a write and a read of it to a product that memory
     * bounds.
     */
    private static void kernel(int kc, ASliver as, float[] pb, short[] ph, int pbOff, CTile ct) {
        float[] pa = as.data, c = ct.data;
        int paOff = as.off, rs = as.rs, ks = as.ks, co = ct.off, ldc = ct.ld;
        boolean add = ct.add;
        int o0 = co, o1 = co + ldc, o2 = co + 2 * ldc, o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc, o5 = co + 5 * ldc, o6 = co + 6 * ldc, o7 = co + 7 * ldc;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (add) {
            c00 = FloatVector.fromArray(S, c, o0); c01 = FloatVector.fromArray(S, c, o0 + L);
            c10 = FloatVector.fromArray(S, c, o1); c11 = FloatVector.fromArray(S, c, o1 + L);
            c20 = FloatVector.fromArray(S, c, o2); c21 = FloatVector.fromArray(S, c, o2 + L);
            c30 = FloatVector.fromArray(S, c, o3); c31 = FloatVector.fromArray(S, c, o3 + L);
            c40 = FloatVector.fromArray(S, c, o4); c41 = FloatVector.fromArray(S, c, o4 + L);
            c50 = FloatVector.fromArray(S, c, o5); c51 = FloatVector.fromArray(S, c, o5 + L);
            c60 = FloatVector.fromArray(S, c, o6); c61 = FloatVector.fromArray(S, c, o6 + L);
            c70 = FloatVector.fromArray(S, c, o7); c71 = FloatVector.fromArray(S, c, o7 + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(S);
        }
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        int ia = paOff, ib = pbOff;
        for (int p = 0; p < kc; p++, ia += ks, ib += NR) {
            FloatVector b0, b1;
            if (ph == null) {
                b0 = FloatVector.fromArray(S, pb, ib);
                b1 = FloatVector.fromArray(S, pb, ib + L);
            } else {
                b0 = ((IntVector) ShortVector.fromArray(S16, ph, ib).convertShape(VectorOperators.S2I, S32, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                b1 = ((IntVector) ShortVector.fromArray(S16, ph, ib + L).convertShape(VectorOperators.S2I, S32, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            }
            FloatVector a;
            a = FloatVector.broadcast(S, pa[ia]);      c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ia + r1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ia + r2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ia + r3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ia + r4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ia + r5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa[ia + r6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa[ia + r7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L);
        c40.intoArray(c, o4); c41.intoArray(c, o4 + L);
        c50.intoArray(c, o5); c51.intoArray(c, o5 + L);
        c60.intoArray(c, o6); c61.intoArray(c, o6 + L);
        c70.intoArray(c, o7); c71.intoArray(c, o7 + L);
    }

    /** Scalar reference of {@link #gemm}, accumulating in double: what the fast kernel is tested against. */
    public static void reference(int m, int n, int k, Operand op, Operand bop, Operand cop, boolean accumulate) {
        boolean transA = op.transposed(), transB = bop.transposed();
        float[] a = op.data(), b = bop.data(), c = cop.data();
        int aOff = op.offset(), lda = op.ld(), bOff = bop.offset(), ldb = bop.ld(), cOff = cop.offset(), ldc = cop.ld();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) x * y;
                }
                int idx = cOff + i * ldc + j;
                c[idx] = (float) (accumulate ? c[idx] + s : s);
            }
        }
    }
}
