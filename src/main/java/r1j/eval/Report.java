package r1j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import r1j.data.Slice;
import r1j.reward.Answers;

/** Evaluation results summarised overall and by each slice of the task (the world's: {@code World.SLICES}). */
public final class Report {
    private Report() {}

    /**
     * One row per group of each slice, after the row of all problems: {slice, problems, pass@1, cons@k, pass@k, greedy,
     * format, readable, clean, language, length, reflection}. A slice with fewer than two groups adds no rows.
     */
    public static List<Map<String, Object>> slices(List<Evaluator.ProblemResult> rs, int k, List<Slice> slices) {
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(summarize("all", rs, k));
        for (Slice s : slices) addBy(rows, rs, k, s);
        return rows;
    }

    private static void addBy(List<Map<String, Object>> rows, List<Evaluator.ProblemResult> rs, int k, Slice slice) {
        Map<String, List<Evaluator.ProblemResult>> groups = new TreeMap<>();
        for (Evaluator.ProblemResult r : rs) {
            String v = slice.of(r.problem());
            if (v == null || v.equals("null")) continue;
            groups.computeIfAbsent(v, x -> new ArrayList<>()).add(r);
        }
        if (groups.size() < 2) return;
        for (var e : groups.entrySet()) rows.add(summarize(slice.name() + "=" + e.getKey(), e.getValue(), k));
    }

    static Map<String, Object> summarize(String slice, List<Evaluator.ProblemResult> rs, int k) {
        double pass1 = 0, cons = 0, passk = 0, greedy = 0, format = 0, readable = 0, clean = 0, lang = 0, len = 0, refl = 0;
        int samples = 0, greedyN = 0;
        for (Evaluator.ProblemResult r : rs) {
            int n = r.samples().size(), c = r.correct();
            pass1 += (double) c / n;
            passk += PassAtK.unbiased(n, c, Math.min(k, n));
            List<String> keys = new ArrayList<>();
            for (Evaluator.Judged j : r.samples()) {
                keys.add(j.verdict().key());
                format += j.style().format() ? 1 : 0;
                readable += j.style().readable() ? 1 : 0;
                clean += j.style().clean() ? 1 : 0;
                lang += j.style().language();
                len += j.tokens();
                refl += j.style().reflection() ? 1 : 0;
                samples++;
            }
            String vote = PassAtK.majority(keys);
            if (vote != null && Answers.matches(vote, r.problem().answer(), false)) cons++;
            if (r.greedy() != null) {
                greedyN++;
                greedy += r.greedy().correct() ? 1 : 0;
            }
        }
        int n = Math.max(1, rs.size());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slice", slice);
        m.put("problems", rs.size());
        m.put("pass@1", round(pass1 / n));
        m.put("cons@" + k, round(cons / n));
        m.put("pass@" + k, round(passk / n));
        m.put("greedy", greedyN == 0 ? null : round(greedy / greedyN));
        m.put("format", round(format / Math.max(1, samples)));
        m.put("readable", round(readable / Math.max(1, samples)));
        m.put("clean", round(clean / Math.max(1, samples)));
        m.put("language", round(lang / Math.max(1, samples)));
        m.put("length", round(len / Math.max(1, samples)));
        m.put("reflection", round(refl / Math.max(1, samples)));
        return m;
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
