package r1j.data;

import java.math.BigInteger;

/** An exact rational number in lowest terms with a positive denominator: the answers of the world are these. */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    public static final Rational ZERO = of(0);

    public Rational {
        if (den.signum() == 0) throw new ArithmeticException("zero denominator");
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            num = num.divide(g);
            den = den.divide(g);
        }
        if (num.signum() == 0) den = BigInteger.ONE;
    }

    public static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    public static Rational of(long n, long d) {
        return new Rational(BigInteger.valueOf(n), BigInteger.valueOf(d));
    }

    public Rational add(Rational o) {
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    public Rational sub(Rational o) {
        return add(o.negate());
    }

    public Rational mul(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    public Rational div(Rational o) {
        return new Rational(num.multiply(o.den), den.multiply(o.num));
    }

    public Rational negate() {
        return new Rational(num.negate(), den);
    }

    public boolean isInteger() {
        return den.equals(BigInteger.ONE);
    }

    /** Parses "14", "-3", "28/2", "0.25", "1e3" (a plain decimal or a fraction of two integers). */
    public static Rational parse(String s) {
        s = s.trim();
        int slash = s.indexOf('/');
        if (slash > 0) return parse(s.substring(0, slash)).div(parse(s.substring(slash + 1)));
        java.math.BigDecimal d = new java.math.BigDecimal(s);
        if (d.scale() <= 0) return new Rational(d.toBigIntegerExact(), BigInteger.ONE);
        return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    /** "14", "-3", or "7/2". */
    @Override
    public String toString() {
        return isInteger() ? num.toString() : num + "/" + den;
    }
}
