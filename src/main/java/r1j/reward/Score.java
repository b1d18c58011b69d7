package r1j.reward;

/** A reward's value and a short reason a person can read ("answer 14 = 14", "no &lt;/think&gt;", …). */
public record Score(double value, String reason) {}
