package r1j.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A weighted sum of rewards (R1 report: accuracy + format for R1-Zero, accuracy + 0.2·language consistency for
 * reasoning RL). Each reward's own score is kept next to the total, for logging.
 */
public final class Rewards {
    /** Each reward's score of one completion, and the weighted total. */
    public record Result(Map<String, Score> parts, double total) {}

    private final List<Reward> rewards;
    private final double[] weights;

    public Rewards(List<Reward> rewards, double[] weights) {
        if (rewards.size() != weights.length) {
            throw new IllegalArgumentException(rewards.size() + " rewards but " + weights.length + " weights");
        }
        this.rewards = List.copyOf(rewards);
        this.weights = weights.clone();
    }

    /**
     * Rewards by name: accuracy, format, readable, clean, language, repetition, overlong (optionally name@reasoning or
     * {@code @summary}), or a reward model as NAME=FOLDER (it scores the segment it was trained on); any of them followed by
     * :CATEGORY+CATEGORY scores only prompts of those categories ({@link Reward#only}); or the user's own,
     * cmd:COMMAND or an http(s) URL ({@link ExternalReward}).
     */
    public static Reward byName(String name) {
        return byName(name, Shaping.DEFAULTS);
    }

    /**
     * The parameters of the shaping rewards named by the command line (written to a GRPO run's config.json).
     *
     * @param overlongMaxLength DAPO's soft overlong penalty reaches −1 at this completion length
     * @param overlongBuffer it starts this many tokens before (0 up to max − buffer)
     * @param repetitionNgram the n of the repetition penalty's n-grams
     */
    public record Shaping(int overlongMaxLength, int overlongBuffer, int repetitionNgram) {
        /** DAPO's overlong buffer at a 512-token limit with a 128-token buffer; word trigrams for repetition. */
        public static final Shaping DEFAULTS = new Shaping(512, 128, 3);
    }

    /** A reward by name, its shaping rewards with these parameters. */
    public static Reward byName(String name, Shaping shaping) {
        if (ExternalReward.isExternal(name)) return new ExternalReward(name, ExternalReward.defaultTimeout());
        int colon = name.lastIndexOf(':');
        if (colon > 0 && colon > name.lastIndexOf('/')) {
            java.util.Set<String> categories = new java.util.LinkedHashSet<>(List.of(name.substring(colon + 1).split("\\+")));
            if (categories.contains("")) throw new IllegalArgumentException("reward '" + name + "': empty category after ':'");
            return byName(name.substring(0, colon), shaping).only(categories);
        }
        int eq = name.indexOf('=');
        if (eq > 0) {
            try {
                return RewardModel.load(java.nio.file.Path.of(name.substring(eq + 1)));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("reward model '" + name + "': " + e.getMessage());
            }
        }
        int at = name.indexOf('@');
        if (at > 0) return byName(name.substring(0, at), shaping).on(Segment.valueOf(name.substring(at + 1).toUpperCase(java.util.Locale.ROOT)));
        return switch (name) {
            case "accuracy" -> new AccuracyReward(true);
            case "accuracy-strict" -> new AccuracyReward(false);
            case "format" -> new FormatReward();
            case "readable" -> new ReadableFormat();
            case "clean" -> new Readability();
            case "language" -> new LanguageConsistencyReward();
            case "repetition" -> new RepetitionPenalty(shaping.repetitionNgram());
            case "overlong" -> new OverlongPenalty(shaping.overlongMaxLength(), shaping.overlongBuffer());
            default -> throw new IllegalArgumentException("unknown reward '" + name
                    + "' (accuracy, accuracy-strict, format, readable, clean, language, repetition, overlong, cmd:COMMAND, http://…)");
        };
    }

    /** The default weight of a reward when none is given: the worked example's 0.1 for format, else 1. */
    public static double defaultWeight(String name) {
        return name.startsWith("format") || name.startsWith("readable") ? 0.1 : 1.0;
    }

    /** Rewards by comma-separated names with comma-separated weights (null: each reward's default weight). */
    public static Rewards parse(String names, String weights) {
        return parse(names, weights, Shaping.DEFAULTS);
    }

    /** The same, the shaping rewards with these parameters. */
    public static Rewards parse(String names, String weights, Shaping shaping) {
        List<Reward> rs = new ArrayList<>();
        List<String> ns = new ArrayList<>();
        for (String n : names.split(",")) {
            if (n.isBlank()) continue;
            rs.add(byName(n.trim(), shaping));
            ns.add(n.trim());
        }
        double[] w = new double[rs.size()];
        if (weights == null || weights.isBlank()) {
            for (int i = 0; i < w.length; i++) w[i] = defaultWeight(ns.get(i));
        } else {
            String[] ws = weights.split(",");
            if (ws.length != rs.size()) throw new IllegalArgumentException(rs.size() + " rewards but " + ws.length + " weights");
            for (int i = 0; i < w.length; i++) {
                try {
                    w[i] = Double.parseDouble(ws[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("weight '" + ws[i] + "' is not a number");
                }
            }
        }
        return new Rewards(rs, w);
    }

    /**
     * Rewards with their weights, added by name: {@code Rewards.builder().add(new AccuracyReward(true), 1).build()}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Each reward with its weight, in order. */
    public static final class Builder {
        private final List<Reward> rewards = new ArrayList<>();
        private final List<Double> weights = new ArrayList<>();

        private Builder() {}

        public Builder add(Reward reward, double weight) {
            if (!Double.isFinite(weight)) throw new IllegalArgumentException("reward '" + reward.name() + "': weight " + weight + " is not finite");
            rewards.add(java.util.Objects.requireNonNull(reward, "reward"));
            weights.add(weight);
            return this;
        }

        public Rewards build() {
            if (rewards.isEmpty()) throw new IllegalArgumentException("no rewards");
            return new Rewards(rewards, weights.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    public List<Reward> rewards() {
        return rewards;
    }

    /** The rewards' names, comma-separated (as the settings' rewards field). */
    public String names() {
        return String.join(",", rewards.stream().map(Reward::name).toList());
    }

    /** The weights, comma-separated (as the settings' reward_weights field). */
    public String weightsText() {
        StringBuilder b = new StringBuilder();
        for (double w : weights) b.append(b.isEmpty() ? "" : ",").append(w);
        return b.toString();
    }

    /** The results of many samples, each reward scoring all of them at once (batched for reward models). */
    public List<Result> scoreAll(List<Sample> samples) {
        List<List<Score>> per = new ArrayList<>();
        for (Reward r : rewards) per.add(r.scoreAll(samples));
        List<Result> out = new ArrayList<>(samples.size());
        for (int j = 0; j < samples.size(); j++) {
            Map<String, Score> parts = new LinkedHashMap<>();
            double total = 0;
            for (int i = 0; i < rewards.size(); i++) {
                Score sc = per.get(i).get(j);
                parts.put(rewards.get(i).name(), sc);
                total += weights[i] * sc.value();
            }
            out.add(new Result(parts, total));
        }
        return out;
    }

    public Result score(Sample s) {
        return scoreAll(List.of(s)).get(0);
    }
}
