package r1j.reward;

/**
 * A reward: a pure function of (prompt, completion, reference answer, metadata). The R1 report's rule-based rewards
 * (accuracy, format, language consistency) and the shaping terms of later stages implement it; any of them can be
 * applied to one segment of the reply ({@link #on}).
 */
public interface Reward {
    /** The reward's name: its column in metrics.jsonl and the report. */
    String name();

    /**
     * A reward from a function of the sample, such as a Java lambda:
     * {@code Reward.of("short", s -> s.completion().length() < 200 ? 1 : 0)}.
     */
    static Reward of(String name, java.util.function.ToDoubleFunction<Sample> value) {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(value, "value");
        return new Reward() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Score score(Sample s) {
                return new Score(value.applyAsDouble(s), name);
            }
        };
    }

    /** The score of one completion. */
    Score score(Sample s);

    /** Scores of many samples; a model-based reward overrides it to score them in batches. */
    default java.util.List<Score> scoreAll(java.util.List<Sample> samples) {
        java.util.List<Score> out = new java.util.ArrayList<>(samples.size());
        for (Sample s : samples) out.add(score(s));
        return out;
    }

    /**
     * This reward only for prompts of the given categories (metadata {@code category}), 0 for the others — a constant
     * within a group, so it moves no advantage. R1 §2.3.4 scores reasoning prompts by rules and general prompts by the
     * reward models; a model scoring prompts unlike its training pairs only adds noise the policy can exploit.
     */
    default Reward only(java.util.Set<String> categories) {
        Reward self = this;
        return new Reward() {
            @Override
            public String name() {
                return self.name();
            }

            @Override
            public Score score(Sample s) {
                return scoreAll(java.util.List.of(s)).get(0);
            }

            @Override
            public java.util.List<Score> scoreAll(java.util.List<Sample> samples) {
                java.util.List<Sample> in = samples.stream().filter(s -> categories.contains(s.meta("category"))).toList();
                java.util.Iterator<Score> scored = self.scoreAll(in).iterator();
                java.util.List<Score> out = new java.util.ArrayList<>(samples.size());
                for (Sample s : samples) {
                    out.add(categories.contains(s.meta("category")) ? scored.next() : new Score(0, "not scored for category " + s.meta("category")));
                }
                return out;
            }
        };
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
