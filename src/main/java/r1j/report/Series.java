package r1j.report;

import java.util.ArrayList;
import java.util.List;

/** A metric over steps, downsampled for plotting: at most maxPoints buckets, each the mean of its steps. */
public record Series(String name, double[] x, double[] y) {
    public static Series of(String name, List<double[]> points, int maxPoints) {
        int n = points.size();
        if (n <= maxPoints) {
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = points.get(i)[0];
                y[i] = points.get(i)[1];
            }
            return new Series(name, x, y);
        }
        List<double[]> out = new ArrayList<>();
        for (int b = 0; b < maxPoints; b++) {
            int lo = (int) ((long) n * b / maxPoints), hi = (int) ((long) n * (b + 1) / maxPoints);
            double sx = 0, sy = 0;
            for (int i = lo; i < hi; i++) {
                sx += points.get(i)[0];
                sy += points.get(i)[1];
            }
            out.add(new double[] {sx / (hi - lo), sy / (hi - lo)});
        }
        return of(name, out, maxPoints);
    }
}
