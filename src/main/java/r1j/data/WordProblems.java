package r1j.data;

import java.util.SplittableRandom;

/**
 * Word problems of one or two operations on the ladder's small numbers, in English and Spanish, numbers in digits
 * or words. Each is an arithmetic expression in disguise, so its answer and its trap status come from {@link Expr}.
 */
public final class WordProblems {
    /** A drawn word problem: its expression (for answer and steps), template and numbers. */
    public record Drawn(Expr expr, int template, int[] n, boolean words) {}

    private static final String[] NAMES = {"Ana", "Tom", "Lucía", "Sam", "Marta", "Leo"};

    private WordProblems() {}

    public static Drawn draw(SplittableRandom r) {
        int template = r.nextInt(5);
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int a = 1 + r.nextInt(9), b = 1 + r.nextInt(9), c = 1 + r.nextInt(9);
            String src = switch (template) {
                case 0, 1 -> a + "*" + b;
                case 2 -> a + "+" + b;
                case 3 -> a + "-" + b;
                default -> c + "+" + a + "*" + b;
            };
            Expr e = parse(src);
            if (!e.intermediatesWithin(0, 99)) continue;
            return new Drawn(e, template, new int[] {a, b, c}, r.nextInt(3) == 0);
        }
        throw new IllegalStateException("no word problem");
    }

    static Expr parse(String s) {
        java.util.List<Expr.Token> t = new java.util.ArrayList<>();
        for (char ch : s.toCharArray()) {
            if (Character.isDigit(ch)) t.add(new Expr.Token(String.valueOf(ch), ch - '0', false));
            else t.add(new Expr.Token(String.valueOf(ch), 0, false));
        }
        return new Expr(t);
    }

    public static String prompt(Drawn d, String language, SplittableRandom r) {
        boolean es = "es".equals(language);
        String name = NAMES[(d.n()[0] + d.n()[1] + d.template()) % NAMES.length];
        String a = num(d.n()[0], d.words(), language), b = num(d.n()[1], d.words(), language), c = num(d.n()[2], d.words(), language);
        return switch (d.template()) {
            case 0 -> es ? "Un tren viaja a " + a + " km por minuto durante " + b + " minutos. ¿Cuántos km recorre?"
                    : "A train travels at " + a + " km per minute for " + b + " minutes. How many km does it travel?";
            case 1 -> es ? name + " compra " + a + " libros a " + b + " euros cada uno. ¿Cuánto paga?"
                    : name + " buys " + a + " books at " + b + " euros each. How much does " + name + " pay?";
            case 2 -> es ? name + " tiene " + a + " manzanas y compra " + b + " más. ¿Cuántas manzanas tiene?"
                    : name + " has " + a + " apples and buys " + b + " more. How many apples does " + name + " have?";
            case 3 -> es ? name + " tiene " + a + " manzanas y regala " + b + ". ¿Cuántas manzanas le quedan?"
                    : name + " has " + a + " apples and gives away " + b + ". How many apples are left?";
            default -> es ? name + " compra " + a + " libros a " + b + " euros cada uno y un lápiz de " + c
                    + " euros. ¿Cuánto paga en total?"
                    : name + " buys " + a + " books at " + b + " euros each and a pen for " + c
                    + " euros. How much does " + name + " pay in total?";
        };
    }

    private static String num(int v, boolean words, String language) {
        return words ? NumberWords.of(v, language) : Integer.toString(v);
    }
}
