package r1j.reward;

/**
 * DAPO's soft overlong punishment: 0 up to maxLength − buffer tokens, then falling linearly to −1 at maxLength and
 * beyond. The length is the metadata's completion_tokens when given, else the number of words.
 */
public final class OverlongPenalty implements Reward {
    private final int maxLength;
    private final int buffer;

    public OverlongPenalty(int maxLength, int buffer) {
        if (buffer < 1 || buffer > maxLength) throw new IllegalArgumentException("need 1 ≤ buffer ≤ max length");
        this.maxLength = maxLength;
        this.buffer = buffer;
    }

    @Override
    public String name() {
        return "overlong";
    }

    @Override
    public Score score(Sample s) {
        String t = s.meta("completion_tokens");
        int len = t != null ? Integer.parseInt(t) : s.completion().isBlank() ? 0 : s.completion().trim().split("\\s+").length;
        int start = maxLength - buffer;
        if (len <= start) return new Score(0, len + " ≤ " + start);
        double v = Math.max(-1, -(double) (len - start) / buffer);
        return new Score(v, len + " tokens, " + (len - start) + " into the last " + buffer);
    }
}
