package r1j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * An arithmetic expression of the world: operands 1–9 (written as digits or words), + − *, and parentheses. It
 * evaluates in two ways: correctly (parentheses, then * before + and −, left to right), and naively (the tokens
 * strictly left to right, ignoring precedence and parentheses) — the mistake the corpus's careless solutions make.
 * Both evaluations also produce their steps, "a op b = c", which is how the corpus writes solutions.
 */
public final class Expr {
    /** A token: a number, an operator, or a parenthesis. */
    public record Token(String text, int value, boolean word) {
        boolean isNumber() {
            return Character.isDigit(text.charAt(0)) || word;
        }

        boolean isOp() {
            return text.equals("+") || text.equals("-") || text.equals("*");
        }
    }

    /** One step of a solution: a op b = result. */
    public record Step(int a, String op, int b, int result) {
        public String render() {
            return a + " " + op + " " + b + " = " + result;
        }
    }

    private final List<Token> tokens;

    public Expr(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    public List<Token> tokens() {
        return tokens;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Expr e && e.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return render("en");
    }

    /** The expression as the prompt shows it, with operands as words where they were chosen so. */
    public String render(String language) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String s = t.word() ? NumberWords.of(t.value(), language) : t.text();
            if (i > 0 && !t.text().equals(")") && !tokens.get(i - 1).text().equals("(")) sb.append(' ');
            sb.append(s);
        }
        return sb.toString();
    }

    /** Digits only, no spaces: the canonical form splits are hashed on. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens) sb.append(t.isNumber() ? Integer.toString(t.value()) : t.text());
        return sb.toString();
    }

    public boolean hasParentheses() {
        return tokens.stream().anyMatch(t -> t.text().equals("("));
    }

    public int operands() {
        return (int) tokens.stream().filter(Token::isNumber).count();
    }

    /** Steps of the correct evaluation, in the order a careful solver writes them. */
    public List<Step> correctSteps() {
        List<Step> steps = new ArrayList<>();
        List<Token> ts = new ArrayList<>(tokens);
        for (Step s; (s = reduceOnce(ts)) != null; ) steps.add(s);
        return steps;
    }

    public int correct() {
        List<Step> s = correctSteps();
        return s.isEmpty() ? tokens.get(0).value() : s.get(s.size() - 1).result();
    }

    /** Steps of the naive evaluation: strictly left to right, parentheses and precedence ignored. */
    public List<Step> naiveSteps() {
        List<Step> steps = new ArrayList<>();
        int acc = Integer.MIN_VALUE;
        String op = null;
        for (Token t : tokens) {
            if (t.isNumber()) {
                if (acc == Integer.MIN_VALUE) {
                    acc = t.value();
                } else {
                    int r = apply(acc, op, t.value());
                    steps.add(new Step(acc, op, t.value(), r));
                    acc = r;
                }
            } else if (t.isOp()) {
                op = t.text();
            }
        }
        return steps;
    }

    public int naive() {
        List<Step> s = naiveSteps();
        return s.isEmpty() ? tokens.get(0).value() : s.get(s.size() - 1).result();
    }

    /** A precedence trap: the naive evaluation gives another answer. */
    public boolean isTrap() {
        return naive() != correct();
    }

    /** Every intermediate value of both evaluations lies within [lo, hi]. */
    public boolean intermediatesWithin(int lo, int hi) {
        for (Step s : correctSteps()) if (s.result() < lo || s.result() > hi) return false;
        for (Step s : naiveSteps()) if (s.result() < lo || s.result() > hi) return false;
        return true;
    }

    public static int apply(int a, String op, int b) {
        return switch (op) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            default -> throw new IllegalArgumentException("operator " + op);
        };
    }

    /**
     * The expression in digits before and after each step of the correct evaluation: "(4 + 6) - (9 * (4 - 4))",
     * "10 - (9 * (4 - 4))", "10 - (9 * 0)", "10 - 0", "10". Each line differs from the one before in one place, which
     * is what the checked solutions write out: a small model copies the line above more reliably than it finds the
     * next operands in the question.
     */
    public List<String> reductions() {
        List<String> lines = new ArrayList<>();
        lines.add(digits(tokens));
        for (Reduction x : reductionSteps()) lines.add(x.line());
        return lines;
    }

    /** One rewrite of the expression: the operation done ("4 - 4 = 0") and the line it leaves ("10 - (9 * 0)"). */
    public record Reduction(Step step, String line) {}

    /** The rewrites of {@link #reductions()} with the step that makes each, in order. */
    public List<Reduction> reductionSteps() {
        List<Reduction> out = new ArrayList<>();
        List<Token> ts = new ArrayList<>(tokens);
        for (Step s; (s = reduceOnce(ts)) != null; ) out.add(new Reduction(s, digits(ts)));
        return out;
    }

    private static String digits(List<Token> ts) {
        List<Token> d = new ArrayList<>();
        for (Token t : ts) d.add(t.word() ? new Token(Integer.toString(t.value()), t.value(), false) : t);
        return new Expr(d).render("en");
    }

    /**
     * Applies the next operation of the correct evaluation in place — innermost (first closed) parentheses first,
     * inside them * before + and −, each left to right — and drops parentheses left around a single number.
     * Returns the step, or null when one number remains.
     */
    private static Step reduceOnce(List<Token> ts) {
        int from = 0, to = ts.size();
        for (int i = 0; i < ts.size(); i++) {
            if (ts.get(i).text().equals(")")) {
                to = i;
                from = i;
                while (!ts.get(from - 1).text().equals("(")) from--;
                break;
            }
        }
        if (to - from < 3) return null;
        int at = -1;
        for (int i = from + 1; i < to && at < 0; i += 2) if (ts.get(i).text().equals("*")) at = i;
        if (at < 0) at = from + 1;
        int a = ts.get(at - 1).value(), b = ts.get(at + 1).value();
        String op = ts.get(at).text();
        int r = apply(a, op, b);
        ts.set(at - 1, new Token(Integer.toString(r), r, false));
        ts.remove(at);
        ts.remove(at);
        if (to - from == 3 && from > 0) {
            ts.remove(from + 1);
            ts.remove(from - 1);
        }
        return new Step(a, op, b, r);
    }
}
