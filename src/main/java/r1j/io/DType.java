package r1j.io;

/** Element types of safetensors files that r1j reads and writes, with their conversions to and from float32. */
public enum DType {
    F32(4), BF16(2), F16(2);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public static DType parse(String s) {
        for (DType d : values()) if (d.name().equals(s)) return d;
        return null;
    }

    /** float32 → bfloat16 bits, rounding to nearest even (NaN stays a quiet NaN). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }
}
