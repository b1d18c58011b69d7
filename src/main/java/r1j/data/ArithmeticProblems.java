package r1j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * docs/world.md's difficulty ladder (operands 1–9; every intermediate value of the correct and of the naive evaluation
 * within 0–99):
 * <ol>
 *   <li>a op b;</li>
 *   <li>a op b op c without parentheses, mostly precedence traps;</li>
 *   <li>(a op b) op c or a op (b op c);</li>
 *   <li>four operands;</li>
 *   <li>five operands, nested parentheses, some operands written as words.</li>
 * </ol>
 * Whether a problem is a trap is drawn first (trapShare of levels 2–5, 0.7 by default so that traps are about half
 * of all reasoning problems), then expressions are drawn until one fits.
 */
public final class ArithmeticProblems {
    private static final String[] OPS = {"+", "-", "*"};

    private ArithmeticProblems() {}

    public static Expr draw(int level, boolean wantTrap, SplittableRandom r) {
        for (int attempt = 0; attempt < 100_000; attempt++) {
            Expr e = candidate(level, r);
            if (!e.intermediatesWithin(0, 99)) continue;
            if (level >= 2 && e.isTrap() != wantTrap) continue;
            return e;
        }
        throw new IllegalStateException("no level-" + level + " expression with trap=" + wantTrap);
    }

    private static Expr candidate(int level, SplittableRandom r) {
        List<Expr.Token> t = new ArrayList<>();
        boolean words = level == 5;
        switch (level) {
            case 1 -> {
                num(t, r, false);
                op(t, r);
                num(t, r, false);
            }
            case 2 -> chain(t, 3, r, false);
            case 3 -> {
                if (r.nextBoolean()) {
                    paren(t, r, false, 1);
                    op(t, r);
                    num(t, r, false);
                } else {
                    num(t, r, false);
                    op(t, r);
                    paren(t, r, false, 1);
                }
            }
            case 4 -> {
                if (r.nextBoolean()) {
                    chain(t, 4, r, false);
                } else {
                    // one parenthesised pair among four operands
                    int at = r.nextInt(3);
                    for (int i = 0; i < 4; i++) {
                        if (i > 0) op(t, r);
                        if (i == at) {
                            paren(t, r, false, 1);
                            i++;
                        } else {
                            num(t, r, false);
                        }
                    }
                }
            }
            case 5 -> {
                // a op (b op (c op d)) op e, or (a op b) op (c op (d op e)), operands partly in words
                if (r.nextBoolean()) {
                    num(t, r, words);
                    op(t, r);
                    paren(t, r, words, 2);
                    op(t, r);
                    num(t, r, words);
                } else {
                    paren(t, r, words, 1);
                    op(t, r);
                    paren(t, r, words, 2);
                }
            }
            default -> throw new IllegalArgumentException("difficulty must be 1–5, got " + level);
        }
        return new Expr(t);
    }

    private static void chain(List<Expr.Token> t, int n, SplittableRandom r, boolean words) {
        for (int i = 0; i < n; i++) {
            if (i > 0) op(t, r);
            num(t, r, words);
        }
    }

    /** (a op b) at depth 1; (a op (b op c)) at depth 2: the right operand is itself parenthesised, depth − 1 deep. */
    private static void paren(List<Expr.Token> t, SplittableRandom r, boolean words, int depth) {
        t.add(new Expr.Token("(", 0, false));
        num(t, r, words);
        op(t, r);
        if (depth > 1) paren(t, r, words, depth - 1);
        else num(t, r, words);
        t.add(new Expr.Token(")", 0, false));
    }

    private static void num(List<Expr.Token> t, SplittableRandom r, boolean words) {
        int v = 1 + r.nextInt(9);
        t.add(new Expr.Token(Integer.toString(v), v, words && r.nextInt(3) == 0));
    }

    private static void op(List<Expr.Token> t, SplittableRandom r) {
        t.add(new Expr.Token(OPS[r.nextInt(3)], 0, false));
    }

    /** The question in the prompt's language. */
    public static String prompt(Expr e, String language) {
        return "es".equals(language) ? "¿Cuánto es " + e.render("es") + "?" : "What is " + e.render("en") + "?";
    }
}
