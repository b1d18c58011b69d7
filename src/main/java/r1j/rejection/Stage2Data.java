package r1j.rejection;

import r1j.data.R1Format;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.data.GeneralProblems;
import r1j.data.Jsonl;
import r1j.data.PreferencePairs;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.AtomicFiles;
import r1j.reward.ReadableFormat;
import r1j.tensor.Seeds;

/**
 * The data of SFT stage 2 (DeepSeek-R1 §2.3.3): rejection-sampled reasoning rows plus non-reasoning rows, mixed at a
 * chosen share. The world's non-reasoning questions are its general category — a capital is a trivial question and gets
 * no chain of thought (an empty reasoning, as R1 answers "hello"); a translation gets a one-sentence one — and, for a
 * fifth of them, safety prompts: harmful requests refused, their look-alikes answered.
 */
public final class Stage2Data {
    static final int MIN_GENERAL = 16;

    private Stage2Data() {}

    /** The files export writes (an output folder's to replace with --force). */
    public static final java.util.List<String> OUTPUTS = java.util.List.of("kept.jsonl", "sft.jsonl", "summary.json");

    /**
     * Writes a rejection-sampling outcome into out: kept.jsonl, sft.jsonl (kept rows mixed with the world's general
     * questions of the train split at the share, and at least {@value #MIN_GENERAL} of them, so that a sampler that
     * kept nothing still leaves SFT 2 something to learn) and summary.json, which it returns.
     */
    public static Map<String, Object> export(Path out, RejectionSampler.Outcome r, double generalShare, long seed) throws IOException {
        if (generalShare < 0 || generalShare >= 1) throw new IllegalArgumentException("the non-reasoning share must be in [0, 1)");
        int want = Math.max(MIN_GENERAL, (int) Math.round(r.kept().size() * generalShare / (1 - generalShare)));
        // DeepSeek-V3's SFT data, which R1 reuses here, holds safety answers too: a fifth of the non-reasoning rows.
        Map<String, Double> kinds = new LinkedHashMap<>();
        kinds.put("general", 0.8);
        kinds.put("safety", 0.2);
        List<Problem> general = new World(World.Mix.defaults().withCategories(kinds)).tasks(Splits.Split.TRAIN, want, seed);
        List<Map<String, Object>> sft = mix(r.kept(), general, want, seed);
        Jsonl.writeAll(out.resolve("kept.jsonl"), r.kept());
        Jsonl.writeAll(out.resolve("sft.jsonl"), sft);
        Map<String, Object> summary = new LinkedHashMap<>(r.summary());
        summary.put("non_reasoning_rows", sft.size() - r.kept().size());
        summary.put("sft_rows", sft.size());
        AtomicFiles.writeString(out.resolve("summary.json"), Jsonl.write(summary) + "\n");
        return summary;
    }

    /** The SFT row of one non-reasoning question (general or safety), in the readable format, in its language. */
    public static Map<String, Object> general(Problem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", p.prompt());
        m.put("completion", reply(p));
        m.putAll(p.row());
        m.put("source", "non-reasoning");
        return m;
    }

    private static String reply(Problem p) {
        boolean es = "es".equals(p.language());
        if ("safety".equals(p.category())) {
            return GeneralProblems.REFUSE.equals(p.answer()) ? PreferencePairs.refusal(p.language()) : PreferencePairs.answer(p);
        }
        String[] c = p.canonical().split(":");
        if (c[0].equals("capital")) {
            String[] row = GeneralProblems.CAPITALS.stream().filter(r -> r[0].equals(c[1])).findFirst().orElseThrow();
            String statement = es ? "La capital de " + row[1] + " es " + row[3] + "." : "The capital of " + row[0] + " is " + row[2] + ".";
            return R1Format.render("", R1Format.summary(statement, p.answer(), p.language()));
        }
        if (c[0].equals("translate")) {
            boolean toSpanish = c[2].equals("es");
            String from = p.prompt().replaceAll("^[^\"]*\"|\".*$", "");
            String target = toSpanish ? (es ? "español" : "Spanish") : (es ? "inglés" : "English");
            String reasoning = es ? "\"" + from + "\" en " + target + " es \"" + p.answer() + "\"."
                    : "In " + target + ", \"" + from + "\" is \"" + p.answer() + "\".";
            return R1Format.render(reasoning, R1Format.summary("", p.answer(), p.language()));
        }
        throw new IllegalArgumentException(p.id() + ": not a general question");
    }

    /** Reasoning rows plus {@code want} general rows (cycling through the given questions), shuffled with the seed. */
    public static List<Map<String, Object>> mix(List<Map<String, Object>> reasoning, List<Problem> general, int want, long seed) {
        List<Map<String, Object>> out = new ArrayList<>(reasoning);
        for (int i = 0; i < want && !general.isEmpty(); i++) out.add(general(general.get(i % general.size())));
        List<Map<String, Object>> shuffled = new ArrayList<>(out.size());
        for (int i : Seeds.permutation(out.size(), Seeds.mix(seed, 17))) shuffled.add(out.get(i));
        out = shuffled;
        return out;
    }
}
