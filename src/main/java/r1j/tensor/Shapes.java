package r1j.tensor;

import java.util.Arrays;

/** Shape checks whose messages name the op and both shapes. */
final class Shapes {
    private Shapes() {}

    static void same(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ, " + Arrays.toString(a.shape())
                    + " vs " + Arrays.toString(b.shape()));
        }
    }

    static void check(boolean ok, String op, Tensor a, Tensor b, String what) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + what + ", got " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
    }

    static void check(boolean ok, String op, Tensor a, String what) {
        if (!ok) throw new IllegalArgumentException(op + ": " + what + ", got " + Arrays.toString(a.shape()));
    }

    static int[] withLast(int[] shape, int last) {
        int[] s = shape.clone();
        s[s.length - 1] = last;
        return s;
    }
}
