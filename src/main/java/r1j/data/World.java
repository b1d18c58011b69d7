package r1j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The miniature world's problems (docs/world.md): a seeded stream of problems of the chosen categories, half in English
 * and half in Spanish, filtered to one split. Arithmetic follows the difficulty ladder with the configured level
 * weights and trap share; traps are drawn by frequency, so their share holds in every split.
 */
public final class World {
    /**
     * The world's slices of an evaluation: by difficulty level, language, category and precedence trap, and safety
     * prompts split into harmful requests (where a refusal is right) and their harmless look-alikes.
     */
    public static final java.util.List<Slice> SLICES = java.util.List.of(Slice.field("difficulty"), languageSlice(),
            Slice.field("category"), Slice.field("trap"), safetySlice());

    /** The world's hardest level (5), where the R1 report's "aha" (longer replies that check themselves) should show. */
    public static final java.util.function.Predicate<Datasets.Example> HARDEST = e -> "5".equals(String.valueOf(e.meta().get("difficulty")));

    private static Slice languageSlice() {
        return new Slice() {
            @Override
            public String name() {
                return "language";
            }

            @Override
            public String of(Datasets.Example row) {
                return row.language();
            }
        };
    }

    private static Slice safetySlice() {
        return new Slice() {
            @Override
            public String name() {
                return "safety";
            }

            @Override
            public String of(Datasets.Example row) {
                if (!"safety".equals(row.meta().get("category"))) return null;
                return GeneralProblems.REFUSE.equals(row.answer()) ? "harmful" : "harmless";
            }
        };
    }
    /** Level weights for arithmetic (levels 1–5), the trap share of levels 2–5, and category weights. */
    public record Mix(double[] levels, double trapShare, Map<String, Double> categories) {
        public static Mix defaults() {
            Map<String, Double> c = new LinkedHashMap<>();
            c.put("arith", 0.75);
            c.put("word", 0.25);
            return new Mix(new double[] {0.15, 0.30, 0.20, 0.20, 0.15}, 0.7, c);
        }

        /** RL prompts drawn more from the hard levels (docs/world.md: "RL prompts drawn more from levels 3–5"). */
        public static Mix hardLevels() {
            Mix d = defaults();
            return new Mix(new double[] {0.05, 0.15, 0.25, 0.30, 0.25}, d.trapShare(), d.categories());
        }

        public Mix withCategories(Map<String, Double> c) {
            return new Mix(levels, trapShare, c);
        }
    }

    public static final List<String> CATEGORIES = List.of("arith", "word", "general", "safety");

    private final Mix mix;

    public World(Mix mix) {
        this.mix = mix;
    }

    /** n problems of the split, deterministic in seed. */
    public List<Problem> tasks(Splits.Split split, int n, long seed) {
        // Mixed, not multiplied by SplittableRandom's own gamma: seeds s and s+1 would give one stream shifted by a draw.
        SplittableRandom r = new SplittableRandom(Splits.hash("world|" + seed + "|" + split));
        List<Problem> out = new ArrayList<>(n);
        long attempts = 0;
        while (out.size() < n) {
            if (++attempts > 200L * n + 100_000) {
                throw new IllegalStateException("cannot find " + n + " problems of the " + split + " split for " + mix.categories().keySet());
            }
            Problem p = draw(r);
            if (Splits.of(p.category(), p.canonical()) == split) out.add(p);
        }
        return out;
    }

    /** One problem from the mixture, any split. */
    public Problem draw(SplittableRandom r) {
        String category = pick(mix.categories(), r);
        String lang = r.nextBoolean() ? "en" : "es";
        return switch (category) {
            case "arith" -> arith(r, lang);
            case "word" -> word(r, lang);
            case "general" -> general(r, lang);
            case "safety" -> safety(r, lang);
            default -> throw new IllegalArgumentException("unknown category '" + category + "' (" + CATEGORIES + ")");
        };
    }

    Problem arith(SplittableRandom r, String lang) {
        int level = 1 + pickIndex(mix.levels(), r);
        boolean trap = level >= 2 && r.nextDouble() < mix.trapShare();
        Expr e = ArithmeticProblems.draw(level, trap, r);
        String canonical = e.canonical();
        return Problem.of(new Problem.Kind("arith", canonical, level, e.isTrap(), e), lang, ArithmeticProblems.prompt(e, lang),
                Integer.toString(e.correct()));
    }

    Problem word(SplittableRandom r, String lang) {
        WordProblems.Drawn d = WordProblems.draw(r);
        String canonical = d.template() + ":" + d.expr().canonical();
        int difficulty = d.template() == 4 ? 2 : 1;
        return Problem.of(new Problem.Kind("word", canonical, difficulty, d.expr().isTrap(), d.expr()), lang,
                WordProblems.prompt(d, lang, r), Integer.toString(d.expr().correct()));
    }

    Problem general(SplittableRandom r, String lang) {
        boolean es = "es".equals(lang);
        if (r.nextBoolean()) {
            int i = r.nextInt(GeneralProblems.CAPITALS.size());
            String[] c = GeneralProblems.CAPITALS.get(i);
            String prompt = es ? "¿Cuál es la capital de " + c[1] + "?" : "What is the capital of " + c[0] + "?";
            return Problem.of(new Problem.Kind("general", "capital:" + c[0], 1, false, null), lang, prompt, es ? c[3] : c[2]);
        }
        int i = r.nextInt(GeneralProblems.WORDS.size());
        String[] w = GeneralProblems.WORDS.get(i);
        // Either direction; the prompt's language is the one it is written in.
        boolean toSpanish = r.nextBoolean();
        String word = toSpanish ? w[0] : w[1], answer = toSpanish ? w[1] : w[0];
        String prompt = es ? "Traduce \"" + word + "\" al " + (toSpanish ? "español" : "inglés") + "."
                : "Translate \"" + word + "\" into " + (toSpanish ? "Spanish" : "English") + ".";
        String canonical = "translate:" + w[0] + ":" + (toSpanish ? "es" : "en");
        return Problem.of(new Problem.Kind("general", canonical, 1, false, null), lang, prompt, answer);
    }

    Problem safety(SplittableRandom r, String lang) {
        GeneralProblems.SafetyItem s = GeneralProblems.SAFETY_ITEMS.get(r.nextInt(GeneralProblems.SAFETY_ITEMS.size()));
        return Problem.of(new Problem.Kind("safety", s.canonical(), 1, false, null), lang, "es".equals(lang) ? s.es() : s.en(),
                s.harmful() ? GeneralProblems.REFUSE : GeneralProblems.COMPLY);
    }

    static String pick(Map<String, Double> weights, SplittableRandom r) {
        double total = 0;
        for (double w : weights.values()) total += w;
        double u = r.nextDouble() * total;
        String last = null;
        for (var e : weights.entrySet()) {
            last = e.getKey();
            u -= e.getValue();
            if (u < 0) return e.getKey();
        }
        return last;
    }

    static int pickIndex(double[] w, SplittableRandom r) {
        double total = 0;
        for (double x : w) total += x;
        double u = r.nextDouble() * total;
        for (int i = 0; i < w.length; i++) {
            u -= w[i];
            if (u < 0) return i;
        }
        return w.length - 1;
    }
}
