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
        evalCorrect(new ArrayList<>(tokens), steps);
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

    /** Reduces the token list to one number, recording each operation. */
    private static int evalCorrect(List<Token> ts, List<Step> steps) {
        // Innermost parentheses first.
        while (true) {
            int close = -1;
            for (int i = 0; i < ts.size(); i++) {
                if (ts.get(i).text().equals(")")) {
                    close = i;
                    break;
                }
            }
            if (close < 0) break;
            int open = close;
            while (!ts.get(open).text().equals("(")) open--;
            List<Token> inner = new ArrayList<>(ts.subList(open + 1, close));
            int v = evalFlat(inner, steps);
            for (int i = close; i >= open; i--) ts.remove(i);
            ts.add(open, new Token(Integer.toString(v), v, false));
        }
        return evalFlat(ts, steps);
    }

    private static int evalFlat(List<Token> ts, List<Step> steps) {
        List<Token> t = new ArrayList<>(ts);
        for (String[] level : new String[][] {{"*"}, {"+", "-"}}) {
            for (int i = 1; i < t.size(); ) {
                String op = t.get(i).text();
                if (java.util.Arrays.asList(level).contains(op)) {
                    int a = t.get(i - 1).value(), b = t.get(i + 1).value(), r = apply(a, op, b);
                    steps.add(new Step(a, op, b, r));
                    t.set(i - 1, new Token(Integer.toString(r), r, false));
                    t.remove(i);
                    t.remove(i);
                } else {
                    i += 2;
                }
            }
        }
        return t.get(0).value();
    }
}
