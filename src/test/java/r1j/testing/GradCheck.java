package r1j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import r1j.tensor.Grad;
import r1j.tensor.Tensor;

/**
 * Finite-difference gradient check. The probe loss is L = Σ r_i·y_i for a fixed random r, summed in double;
 * the analytic gradient comes from backward(r), the numeric one from central differences
 * (L(x+h) − L(x−h)) / 2h on every input element (or a seeded sample of them for large inputs).
 */
public final class GradCheck {
    private GradCheck() {}

    public static void check(Supplier<Tensor> f, List<Tensor> inputs) {
        check(f, inputs, 1e-2f, 2e-2, 2e-3);
    }

    public static void check(Supplier<Tensor> f, List<Tensor> inputs, float h, double rtol, double atol) {
        for (Tensor t : inputs) t.zeroGrad();
        Tensor y = f.get();
        SplittableRandom rng = new SplittableRandom(7);
        float[] r = new float[y.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) (rng.nextDouble() * 2 - 1);
        y.backward(r);
        for (Tensor x : inputs) {
            float[] analytic = x.grad() == null ? new float[x.numel()] : x.grad().clone();
            int n = x.numel();
            int samples = Math.min(n, 48);
            for (int s = 0; s < samples; s++) {
                int i = n <= 48 ? s : rng.nextInt(n);
                float old = x.data[i];
                double plus, minus;
                try (var noGrad = Grad.noGrad()) {
                    x.data[i] = old + h;
                    plus = probe(f.get(), r);
                    x.data[i] = old - h;
                    minus = probe(f.get(), r);
                    x.data[i] = old;
                }
                double numeric = (plus - minus) / (2 * h);
                double a = analytic[i];
                double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
                assertThat(Math.abs(a - numeric))
                        .as("d/d %s[%d]: analytic %.6f vs numeric %.6f", x.name() == null ? "input" : x.name(), i, a, numeric)
                        .isLessThanOrEqualTo(tol);
            }
        }
    }

    private static double probe(Tensor y, float[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) r[i] * y.data[i];
        return s;
    }

    /** A trainable tensor of N(0, std²) values from a seed. */
    public static Tensor randn(String name, long seed, float std, int... shape) {
        Tensor t = Tensor.param(name, shape);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < t.numel(); i++) t.data[i] = (float) (rng.nextGaussian() * std);
        return t;
    }
}
