package r1j.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sampling metrics of the R1 report's evaluation protocol. */
public final class PassAtK {
    private PassAtK() {}

    /**
     * The unbiased estimator of pass@k from n samples of which c are correct (Chen et al. 2021, HumanEval):
     * 1 − C(n−c, k) / C(n, k), computed as a product to stay exact in double precision.
     */
    public static double unbiased(int n, int c, int k) {
        if (k > n) throw new IllegalArgumentException("pass@" + k + " needs at least " + k + " samples, got " + n);
        if (n - c < k) return 1.0;
        double fail = 1.0;
        for (int i = n - c + 1; i <= n; i++) fail *= 1.0 - (double) k / i;
        return 1.0 - fail;
    }

    /**
     * The majority answer among extracted answers (cons@k), or null when none was extracted. Answers are grouped by a
     * key (their exact value); a tie goes to the answer whose first occurrence came first, so the vote is
     * deterministic.
     */
    public static String majority(List<String> keys) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String k : keys) if (k != null && !k.isEmpty()) counts.merge(k, 1, Integer::sum);
        String best = null;
        int bestCount = 0;
        for (var e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }
}
