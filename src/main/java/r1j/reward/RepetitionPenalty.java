package r1j.reward;

import java.util.HashSet;
import java.util.Set;

/**
 * An n-gram repetition penalty for later stages: −(share of word n-grams that occurred earlier in the reply), so a
 * reply that loops scores near −1 and a varied one 0 (as the repetition penalties of open R1 reproductions).
 */
public final class RepetitionPenalty implements Reward {
    private final int n;

    public RepetitionPenalty(int n) {
        if (n < 1) throw new IllegalArgumentException("n-gram size must be ≥ 1");
        this.n = n;
    }

    @Override
    public String name() {
        return "repetition";
    }

    @Override
    public Score score(Sample s) {
        String[] w = s.completion().trim().split("\\s+");
        if (w.length < n || s.completion().isBlank()) return new Score(0, "too short to repeat");
        Set<String> seen = new HashSet<>();
        int grams = 0, repeated = 0;
        for (int i = 0; i + n <= w.length; i++) {
            String g = String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n));
            grams++;
            if (!seen.add(g)) repeated++;
        }
        double share = (double) repeated / grams;
        return new Score(-share, String.format("%d of %d %d-grams repeated", repeated, grams, n));
    }
}
