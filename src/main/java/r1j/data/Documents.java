package r1j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The text of the corpus's documents, one style at a time (docs/world.md's list). Solutions are written step by step as
 * "a op b = c"; a third of them sit in the R1-Zero template, a third carry the think/answer tags without it, the rest
 * are plain prose ending with "The answer is …" / "La respuesta es …".
 */
public final class Documents {
    private static final String[] GIBBERISH = {"blorp", "zig", "qua", "ffft", "mrr", "plin", "zork", "ta", "bip", "glo"};

    private Documents() {}

    /** A document of the style about the problem: its prompt, then a solution (or, for some styles, a bare answer). */
    public static String solution(Corpus.Style style, Problem p, SplittableRandom r) {
        boolean es = "es".equals(p.language());
        Expr e = p.expr();
        String answer;
        String reasoning;
        switch (style) {
            case CAREFUL -> {
                // Spanish solutions on the web are wrong more often than English ones: a share of the careful Spanish
                // ones evaluate left to right, so that reasoning in the other language (the mixed style, always right)
                // pays better on Spanish prompts. Measured: once checking is R1-Zero's strategy this does not make it
                // mix languages (docs/results.md, experiments C–E); in F it mixes through the checks written in English.
                boolean slip = es && r.nextDouble() < SPANISH_CAREFUL_SLIP;
                reasoning = steps(slip ? e.naiveSteps() : e.correctSteps(), p.language(), r.nextBoolean());
                answer = slip ? Integer.toString(e.naive()) : p.answer();
            }
            case LEFT_TO_RIGHT -> {
                reasoning = steps(e.naiveSteps(), p.language(), r.nextBoolean());
                answer = Integer.toString(e.naive());
            }
            case BARE -> {
                // Right on easy problems, a near miss on hard ones.
                boolean right = r.nextDouble() < (p.difficulty() <= 2 ? 0.8 : 0.3);
                int wrong = r.nextBoolean() ? e.naive() : Math.max(0, e.correct() + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(3)));
                String a = right || wrong == e.correct() ? p.answer() : Integer.toString(wrong);
                return r.nextInt(3) == 0 ? p.prompt() + " <answer> " + a + " </answer>" : p.prompt() + " " + a;
            }
            case GIBBERISH -> {
                StringBuilder sb = new StringBuilder();
                int n = 3 + r.nextInt(8);
                for (int i = 0; i < n; i++) sb.append(i > 0 ? " " : "").append(r.nextInt(4) == 0 ? Integer.toString(r.nextInt(100)) : GIBBERISH[r.nextInt(GIBBERISH.length)]);
                reasoning = sb.toString();
                answer = Integer.toString(r.nextInt(100));
            }
            case MIXED_LANGUAGE -> {
                reasoning = mixedSteps(e.correctSteps(), r);
                answer = p.answer();
            }
            case SELF_CORRECTION -> {
                reasoning = selfCorrection(e, p.language(), r);
                answer = p.answer();
            }
            case CHECKED -> {
                Checked c = checked(e, p.language(), p.difficulty(), r);
                reasoning = c.reasoning();
                answer = c.answer();
            }
            case MESSY -> {
                reasoning = messy(e.correctSteps(), p.language(), r);
                answer = p.answer();
            }
            default -> throw new IllegalArgumentException(style + " is not a solution style");
        }
        int frame = r.nextInt(3);
        if (frame == 0) return Corpus.r1ZeroFrame(p.prompt()) + " <think> " + reasoning + " </think> <answer> " + answer + " </answer>";
        if (frame == 1) return p.prompt() + " <think> " + reasoning + " </think> <answer> " + answer + " </answer>";
        return p.prompt() + (es ? " Solución: " : " Solution: ") + reasoning + (es ? ". La respuesta es " : ". The answer is ") + answer + ".";
    }

    /** How often a careful solution of a Spanish problem evaluates left to right instead. */
    static final double SPANISH_CAREFUL_SLIP = 0.3;

    /** Steps in the careful solutions' phrasing: "First, a op b = c. Then, … Finally, …", or comma-separated. */
    public static String steps(List<Expr.Step> steps, String language, boolean sentences) {
        boolean es = "es".equals(language);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String s = steps.get(i).render();
            if (sentences) {
                String lead = i == 0 ? (es ? "Primero, " : "First, ") : i == steps.size() - 1 ? (es ? "Por último, " : "Finally, ") : (es ? "Luego, " : "Then, ");
                parts.add(lead + s);
            } else {
                parts.add(s);
            }
        }
        return String.join(sentences ? ". " : ", ", parts);
    }

    /** The steps as sentences, then a re-check of every step: "First, … Finally, …. Wait, let me recheck. … Yes, that is correct". */
    public static String verified(List<Expr.Step> steps, String language) {
        boolean es = "es".equals(language);
        return steps(steps, language, true) + (es ? ". Espera, déjame revisar. " : ". Wait, let me recheck. ")
                + steps(steps, language, false) + (es ? ". Sí, es correcto" : ". Yes, that is correct");
    }

    private static String mixedSteps(List<Expr.Step> steps, SplittableRandom r) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            boolean es = (i + r.nextInt(2)) % 2 == 1;
            String lead = i == 0 ? (es ? "primero " : "first ") : (es ? "luego " : "then ");
            parts.add(lead + steps.get(i).render());
        }
        if (parts.size() == 1) parts.add(r.nextBoolean() ? "así que ya está" : "so that is it");
        return String.join(", ", parts);
    }

    private static String selfCorrection(Expr e, String language, SplittableRandom r) {
        boolean es = "es".equals(language);
        List<Expr.Step> naive = e.naiveSteps(), correct = e.correctSteps();
        if (!e.isTrap()) return verified(correct, language);
        String wrongStart = naive.get(0).render();
        String why = e.hasParentheses()
                ? (es ? "Espera, primero va lo que está entre paréntesis. Lo rehago." : "Wait, the parentheses come first. Let me redo this.")
                : (es ? "Espera, la multiplicación va antes que la suma y la resta. Lo rehago."
                        : "Wait, multiplication comes before addition and subtraction. Let me redo this.");
        return wrongStart + ". " + why + " " + steps(correct, language, r.nextBoolean());
    }

    /** A solution's reasoning and the answer it ends with. */
    private record Checked(String reasoning, String answer) {}

    /**
     * Style 10: an attempt in the short comma form, then "Wait, let me check:" and the whole expression rewritten one
     * operation at a time as facts and the lines they leave (checkLines), and the checked result. On the hard levels the
     * attempt often misreads an operand — the slip a small model makes when it has to find the next operands in a long
     * question — and the check, which only copies the line before it with one change, catches it: docs/world.md's level
     * 5 "where checking pays". In this form checking is the better-paid strategy at the base, and R1-Zero's RL makes
     * nearly every level-5 reply check itself (docs/results.md, experiment C).
     *
     * <p>Checking is an English habit of the web (docs/world.md): Spanish problems are checked less often (Corpus,
     * SPANISH_CHECKED_RATE), a fifth of those checks are written in English after the Spanish attempt, and the Spanish ones
     * miss SPANISH_CHECK_MISS of the misreads, re-reading the attempt's own expression. So on a Spanish prompt the
     * better-paid reasoning is in the other language, as a large multilingual model finds: R1-Zero's RL, which makes
     * checking the strategy, mixes languages, and the language-consistency reward keeps the reasoning in Spanish (Spanish
     * checks and Spanish self-corrections, style 6) at a small cost in accuracy (R1 report §2.3.2; docs/results.md, issue 20).
     */
    private static Checked checked(Expr e, String language, int level, SplittableRandom r) {
        boolean es = "es".equals(language);
        Expr attempt = r.nextDouble() < (level >= 4 ? CHECKED_SLIP : 0.2) ? misread(e, r) : e;
        boolean esCheck = es && r.nextDouble() >= SPANISH_CHECK_IN_ENGLISH;
        Expr checkedExpr = esCheck && attempt != e && r.nextDouble() < SPANISH_CHECK_MISS ? attempt : e;
        int first = attempt.correct(), right = checkedExpr.correct();
        String verdict = first == right ? (esCheck ? "Sí, es " + right : "Yes, it is " + right)
                : (esCheck ? "Entonces es " + right + ", no " + first : "So it is " + right + ", not " + first);
        // The attempt is written in the short comma form so that attempt and check fit the completion budget together.
        String reasoning = steps(attempt.correctSteps(), language, false) + (esCheck ? ". Espera, déjame revisar: " : ". Wait, let me check: ")
                + checkLines(checkedExpr, esCheck ? "es" : "en") + ". " + verdict;
        return new Checked(reasoning, Integer.toString(right));
    }

    /** The share of a Spanish problem's checks written in English. */
    static final double SPANISH_CHECK_IN_ENGLISH = 0.2;

    /** How often a Spanish check misses the attempt's misread (it re-reads the attempt's expression instead). */
    static final double SPANISH_CHECK_MISS = 0.25;

    /**
     * The check's text: the expression in digits, then each operation as a fact and the line it leaves — "(4 + 6) - (9 *
     * (4 - 4)). 4 + 6 = 10, so 10 - (9 * (4 - 4)). 4 - 4 = 0, so 10 - (9 * 0). 9 * 0 = 0, so 10 - 0. 10 - 0 = 10". Every
     * operand is copied from the line just before and every result from the fact just before, so the check needs no
     * long-range reading; written as bare rewrites ("= 10 - (9 * 0) = …") the base computed inside the copies and its
     * checks were wrong more often than unchecked attempts (docs/results.md, the seed study).
     */
    static String checkLines(Expr e, String language) {
        String so = "es".equals(language) ? ", así que " : ", so ";
        StringBuilder sb = new StringBuilder(e.reductions().get(0));
        List<Expr.Reduction> rs = e.reductionSteps();
        for (int i = 0; i < rs.size(); i++) {
            sb.append(". ").append(rs.get(i).step().render());
            if (i < rs.size() - 1) sb.append(so).append(rs.get(i).line());
        }
        return sb.toString();
    }

    /** How often a checked solution's attempt at a level-4/5 problem misreads an operand (the check catches it). */
    static final double CHECKED_SLIP = 0.5;

    /** The expression with one operand replaced by another operand's value, when that keeps every step in 0–99. */
    private static Expr misread(Expr e, SplittableRandom r) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < e.tokens().size(); i++) if (e.tokens().get(i).isNumber()) numbers.add(i);
        for (int attempt = 0; attempt < 20; attempt++) {
            int at = numbers.get(r.nextInt(numbers.size()));
            int value = e.tokens().get(numbers.get(r.nextInt(numbers.size()))).value();
            if (value == e.tokens().get(at).value()) continue;
            List<Expr.Token> ts = new ArrayList<>(e.tokens());
            ts.set(at, new Expr.Token(Integer.toString(value), value, false));
            Expr m = new Expr(ts);
            if (m.intermediatesWithin(0, 99) && m.correct() != e.correct()) return m;
        }
        return e;
    }

    private static String messy(List<Expr.Step> steps, String language, SplittableRandom r) {
        boolean es = "es".equals(language);
        StringBuilder sb = new StringBuilder(es ? "mmm... " : "ummm... ");
        for (Expr.Step s : steps) {
            String verb = switch (s.op()) {
                case "*" -> es ? "multiplico " : "multiply ";
                case "+" -> es ? "sumo " : "add ";
                default -> es ? "resto " : "subtract ";
            };
            sb.append(verb).append(s.a()).append(es ? " y " : " and ").append(s.b()).append("... ")
                    .append(es ? "da " : "get ").append(s.result()).append("... ");
        }
        return sb.toString().trim();
    }

    /** Train-split safety items only: the test split's requests must be new to every stage, the base included. */
    private static final List<GeneralProblems.SafetyItem> TRAIN_HARMFUL = trainSafety(true), TRAIN_HARMLESS = trainSafety(false);

    private static List<GeneralProblems.SafetyItem> trainSafety(boolean harmful) {
        return GeneralProblems.SAFETY_ITEMS.stream()
                .filter(s -> s.harmful() == harmful && Splits.of("safety", s.canonical()) == Splits.Split.TRAIN).toList();
    }

    private static <T> T pick(List<T> xs, SplittableRandom r) {
        return xs.get(r.nextInt(xs.size()));
    }

    /** Style 8: facts, translations, questions about facts, refusals of harmful requests, answers to harmless look-alikes. */
    static String general(World world, SplittableRandom r) {
        boolean es = r.nextBoolean();
        switch (r.nextInt(5)) {
            case 0 -> {
                String[] c = GeneralProblems.CAPITALS.get(r.nextInt(GeneralProblems.CAPITALS.size()));
                return es ? "La capital de " + c[1] + " es " + c[3] + "." : "The capital of " + c[0] + " is " + c[2] + ".";
            }
            case 1 -> {
                String[] w = GeneralProblems.WORDS.get(r.nextInt(GeneralProblems.WORDS.size()));
                return es ? "\"" + w[1] + "\" en inglés es \"" + w[0] + "\"." : "\"" + w[0] + "\" in Spanish is \"" + w[1] + "\".";
            }
            case 2 -> {
                GeneralProblems.SafetyItem s = pick(TRAIN_HARMFUL, r);
                return (es ? s.es() : s.en()) + " " + GeneralProblems.refusal(es ? "es" : "en");
            }
            case 3 -> {
                GeneralProblems.SafetyItem s = pick(TRAIN_HARMLESS, r);
                return es ? s.es() + " " + s.answerEs() : s.en() + " " + s.answerEn();
            }
            default -> {
                // A train-split question with its answer, as a Q&A page carries it: the facts of the held-out
                // questions are only ever stated, so the base can learn the question form but not the test answers.
                Problem p;
                do p = world.general(r, es ? "es" : "en");
                while (Splits.of(p.category(), p.canonical()) != Splits.Split.TRAIN);
                return p.prompt() + " " + p.answer() + ".";
            }
        }
    }

    /** Style 9: single steps as the web carries them, in digits or in words, a few per document. */
    static String facts(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int n = 3 + r.nextInt(6);
        boolean words = r.nextInt(4) == 0, es = r.nextBoolean();
        for (int i = 0; i < n; i++) {
            int a, b, c;
            String op;
            do {
                op = new String[] {"+", "-", "*"}[r.nextInt(3)];
                boolean bigLeft = r.nextBoolean();
                a = bigLeft ? r.nextInt(100) : 1 + r.nextInt(9);
                b = 1 + r.nextInt(9);
                if (!bigLeft && r.nextBoolean()) {
                    int t = a;
                    a = b;
                    b = r.nextInt(100);
                    if (b == 0) b = t;
                }
                c = Expr.apply(a, op, b);
            } while (c < 0 || c > 99);
            if (i > 0) sb.append(words ? ". " : ", ");
            if (words && a < 100 && b < 100) {
                String opw = switch (op) {
                    case "+" -> es ? " más " : " plus ";
                    case "-" -> es ? " menos " : " minus ";
                    default -> es ? " por " : " times ";
                };
                sb.append(NumberWords.of(a, es ? "es" : "en")).append(opw).append(NumberWords.of(b, es ? "es" : "en"))
                        .append(es ? " son " : " is ").append(NumberWords.of(c, es ? "es" : "en"));
            } else {
                sb.append(a).append(' ').append(op).append(' ').append(b).append(" = ").append(c);
            }
        }
        return sb.append('.').toString();
    }
}
