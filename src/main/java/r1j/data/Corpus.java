package r1j.data;

import java.io.IOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import r1j.tokenizer.Templates;

/**
 * The "web" corpus the base model is pretrained on (docs/world.md): scraped-looking solutions of uneven quality in both
 * languages, with and without the R1-Zero tags, plus general text and arithmetic facts. Only train-split problems are
 * used. One document per line. The mixture of styles is configurable; the default leaves the base able to solve
 * many problems sometimes but few reliably, so that reinforcement learning has something to elicit.
 */
public final class Corpus {
    /** docs/world.md's nine styles, in its order, and r1j's tenth: solutions checked by rewriting (Documents.checked). */
    public enum Style {
        CAREFUL, LEFT_TO_RIGHT, BARE, GIBBERISH, MIXED_LANGUAGE, SELF_CORRECTION, MESSY, GENERAL, FACTS, CHECKED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Style parse(String s) {
            for (Style x : values()) if (x.id().equals(s.trim())) return x;
            throw new IllegalArgumentException("unknown corpus style '" + s + "' (" + List.of(values()).stream().map(Style::id).toList() + ")");
        }
    }

    /**
     * Default style weights. Left-to-right mistakes outnumber careful solutions (docs/world.md: the base must solve many
     * problems sometimes, not reliably), while careful and checked ones together stay at a quarter so that level 5 is
     * within reach: with more careful solutions the base leaves RL too little to gain, with fewer R1-Zero does not
     * reach level 5 (docs/results.md, how the default mix was found). Checked solutions outnumber careful ones four to
     * one so that checking takes over level 5 under RL before the one-pass attempt improves, and facts are a fifth so
     * that the base still knows its single steps (docs/results.md, experiments G–K).
     */
    public static Map<Style, Double> defaultMix() {
        Map<Style, Double> m = new EnumMap<>(Style.class);
        m.put(Style.CAREFUL, 0.05);
        m.put(Style.LEFT_TO_RIGHT, 0.30);
        m.put(Style.BARE, 0.04);
        m.put(Style.GIBBERISH, 0.03);
        m.put(Style.MIXED_LANGUAGE, 0.06);
        m.put(Style.SELF_CORRECTION, 0.08);
        m.put(Style.MESSY, 0.03);
        m.put(Style.GENERAL, 0.10);
        m.put(Style.FACTS, 0.21);
        m.put(Style.CHECKED, 0.20);
        return m;
    }

    /** Parses "careful=0.2,facts=0.3" over the defaults. */
    public static Map<Style, Double> parseMix(String spec) {
        Map<Style, Double> m = defaultMix();
        if (spec == null || spec.isBlank()) return m;
        for (String part : spec.split(",")) {
            String[] kv = part.split("=");
            if (kv.length != 2) throw new IllegalArgumentException("--mix: '" + part + "' is not style=weight");
            try {
                m.put(Style.parse(kv[0]), Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix: weight '" + kv[1] + "' is not a number");
            }
        }
        return m;
    }

    /** What a corpus holds: documents and approximate tokens per style. */
    public record Composition(Map<Style, Long> docs, Map<Style, Long> tokens, long totalTokens) {}

    private static final Pattern APPROX_TOKEN = Pattern.compile(" ?\\p{N}{1,3}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+| ?[^\\s\\p{L}\\p{N}]+|\\s+");

    /** About how many tokens a trained world tokenizer makes of text (its pre-tokenizer's pieces). */
    public static int approxTokens(String s) {
        Matcher m = APPROX_TOKEN.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private Corpus() {}

    /** Writes documents until about targetTokens tokens, one per line. */
    public static Composition write(Writer out, long targetTokens, Map<Style, Double> mix, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        World world = new World(World.Mix.defaults());
        Map<Style, Long> docs = new EnumMap<>(Style.class), toks = new EnumMap<>(Style.class);
        long total = 0;
        Map<String, Double> weights = new java.util.LinkedHashMap<>();
        for (var e : mix.entrySet()) weights.put(e.getKey().name(), e.getValue());
        while (total < targetTokens) {
            Style style = Style.valueOf(World.pick(weights, r));
            String doc = document(style, world, r);
            int t = approxTokens(doc) + 1;
            out.write(doc);
            out.write('\n');
            docs.merge(style, 1L, Long::sum);
            toks.merge(style, (long) t, Long::sum);
            total += t;
        }
        return new Composition(docs, toks, total);
    }

    /** One document of the style. */
    static String document(Style style, World world, SplittableRandom r) {
        return switch (style) {
            case GENERAL -> Documents.general(world, r);
            case FACTS -> Documents.facts(r);
            default -> {
                Problem p = problem(style, world, r);
                yield Documents.solution(style, p, r);
            }
        };
    }

    /**
     * The train-split problem a document of the style solves. Checking is an English habit of the web
     * (Documents.checked): a Spanish problem gets a checked solution SPANISH_CHECKED_RATE as often as an English one.
     */
    static Problem problem(Style style, World world, SplittableRandom r) {
        Problem p = trainProblem(world, r);
        while (style == Style.CHECKED && "es".equals(p.language()) && r.nextDouble() >= SPANISH_CHECKED_RATE) p = trainProblem(world, r);
        return p;
    }

    /** How often a Spanish problem gets a checked solution, relative to an English one. */
    static final double SPANISH_CHECKED_RATE = 0.10;

    private static Problem trainProblem(World world, SplittableRandom r) {
        while (true) {
            Problem p = world.draw(r);
            if (Splits.of(p.category(), p.canonical()) == Splits.Split.TRAIN) return p;
        }
    }

    /** The R1-Zero framing, for the share of documents that use it. */
    static String r1ZeroFrame(String question) {
        return Templates.R1_ZERO.render(question);
    }
}
