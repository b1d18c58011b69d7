package r1j.reward;

/**
 * A reward: a pure function of (prompt, completion, reference answer, metadata). The R1 report's rule-based rewards
 * (accuracy, format, language consistency) and the shaping terms of later stages implement it; any of them can be
 * applied to one segment of the reply ({@link #on}).
 */
public interface Reward {
    String name();

    Score score(Sample s);

    /** Scores of many samples; a model-based reward overrides it to score them in batches. */
    default java.util.List<Score> scoreAll(java.util.List<Sample> samples) {
        java.util.List<Score> out = new java.util.ArrayList<>(samples.size());
        for (Sample s : samples) out.add(score(s));
        return out;
    }

    /** This reward computed on a segment of the completion (the reasoning, the summary). */
    default Reward on(Segment segment) {
        Reward self = this;
        return new Reward() {
            @Override
            public String name() {
                return self.name() + "@" + segment.name().toLowerCase(java.util.Locale.ROOT);
            }

            @Override
            public Score score(Sample s) {
                return self.score(s.withCompletion(segment.select(s.completion())));
            }
        };
    }
}
