package r1j.reward;

/**
 * Accuracy (R1 report §2.2.2): 1 when the reply's final answer, taken from a fixed place ({@link Answers}), equals
 * the reference exactly, else 0. The last-number fallback is on by default so that a bare "14" counts, as in the
 * worked example of docs/grpo.md; switch it off to demand a marked answer.
 */
public final class AccuracyReward implements Reward {
    private final boolean lastNumberFallback;

    public AccuracyReward(boolean lastNumberFallback) {
        this.lastNumberFallback = lastNumberFallback;
    }

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public Score score(Sample s) {
        if (s.answer() == null) return new Score(0, "no reference answer");
        Answers.Extracted e = Answers.extract(s.completion(), lastNumberFallback);
        if (e.source() == Answers.Source.NONE) return new Score(0, "no answer found");
        boolean ok = Answers.matches(e.text(), s.answer(), "true".equals(s.meta("percent")));
        String where = e.source().name().toLowerCase(java.util.Locale.ROOT);
        return new Score(ok ? 1 : 0, (ok ? "correct: " : "wrong: ") + "'" + clip(e.text()) + "' (" + where + ") vs " + s.answer());
    }

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
