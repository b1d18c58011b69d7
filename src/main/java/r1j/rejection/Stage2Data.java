package r1j.rejection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.data.GeneralProblems;
import r1j.data.Problem;
import r1j.reward.ReadableFormat;
import r1j.tensor.Seeds;

/**
 * The data of SFT stage 2 (DeepSeek-R1 §2.3.3): rejection-sampled reasoning rows plus non-reasoning rows, mixed at a
 * chosen share. The world's non-reasoning questions are its general category: a capital is a trivial question and gets
 * no chain of thought (an empty reasoning, as R1 answers "hello"); a translation gets a one-sentence one.
 */
public final class Stage2Data {
    private Stage2Data() {}

    /** The SFT row of one general question, in the readable format, in the question's language. */
    public static Map<String, Object> general(Problem p) {
        boolean es = "es".equals(p.language());
        String[] c = p.canonical().split(":");
        String reasoning, statement;
        if (c[0].equals("capital")) {
            String[] row = GeneralProblems.CAPITALS.stream().filter(r -> r[0].equals(c[1])).findFirst().orElseThrow();
            reasoning = "";
            statement = es ? "La capital de " + row[1] + " es " + row[3] + "." : "The capital of " + row[0] + " is " + row[2] + ".";
        } else if (c[0].equals("translate")) {
            boolean toSpanish = c[2].equals("es");
            String from = p.prompt().replaceAll("^[^\"]*\"|\".*$", "");
            String target = toSpanish ? (es ? "español" : "Spanish") : (es ? "inglés" : "English");
            reasoning = es ? "\"" + from + "\" en " + target + " es \"" + p.answer() + "\"."
                    : "In " + target + ", \"" + from + "\" is \"" + p.answer() + "\".";
            statement = "";
        } else {
            throw new IllegalArgumentException(p.id() + ": not a general question");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", p.prompt());
        m.put("completion", ReadableFormat.render(reasoning, ReadableFormat.summary(statement, p.answer(), p.language())));
        m.putAll(p.row());
        m.put("source", "non-reasoning");
        return m;
    }

    /**
     * Reasoning rows plus enough general rows that they make up {@code share} of the result (a share of 0.25 adds
     * one general row for every three reasoning rows), shuffled with the seed.
     */
    public static List<Map<String, Object>> mix(List<Map<String, Object>> reasoning, List<Problem> general, double share, long seed) {
        if (share < 0 || share >= 1) throw new IllegalArgumentException("the non-reasoning share must be in [0, 1)");
        int want = (int) Math.round(reasoning.size() * share / (1 - share));
        List<Map<String, Object>> out = new ArrayList<>(reasoning);
        for (int i = 0; i < want && !general.isEmpty(); i++) out.add(general(general.get(i % general.size())));
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed, 17));
        for (int i = out.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Map<String, Object> t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}
