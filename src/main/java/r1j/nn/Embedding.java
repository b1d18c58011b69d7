package r1j.nn;

import r1j.tensor.Gemm;
import r1j.tensor.Kernels;
import r1j.tensor.PackedWeights;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/** Token embedding lookup: row ids[i] of weight [V, D]; the backward scatter-adds into the weight's gradient. */
public final class Embedding {
    private Embedding() {}

    public static Tensor lookup(Tensor weight, int[] ids) {
        int v = weight.dim(0), d = weight.dim(1);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) {
                throw new IndexOutOfBoundsException("embedding: token id " + ids[i] + " at position " + i
                        + " outside vocabulary of " + v);
            }
        }
        Tensor y = Tensor.result(new int[] {ids.length, d}, out -> {
            float[] gw = weight.gradBuffer();
            // Split by columns so that repeated ids never race, and every sum keeps its order.
            Parallel.range(d, 64, (c, lo, hi) -> {
                for (int i = 0; i < ids.length; i++) Kernels.axpy(1f, out.grad(), i * d + lo, gw, ids[i] * d + lo, hi - lo);
            });
        }, weight);
        Gemm.PackedB rows = PackedWeights.rowsOf(weight);
        if (rows != null) {
            for (int i = 0; i < ids.length; i++) rows.row(ids[i], y.data, i * d);
        } else {
            for (int i = 0; i < ids.length; i++) System.arraycopy(weight.data, ids[i] * d, y.data, i * d, d);
        }
        return y;
    }
}
