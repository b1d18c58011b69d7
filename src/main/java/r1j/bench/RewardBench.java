package r1j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.data.Corpus;
import r1j.data.Documents;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.LanguageIdentifier;
import r1j.reward.Rewards;
import r1j.reward.Sample;

/**
 * {@code r1j bench reward}: replies scored per second by the language-consistency reward (with its cache of judged
 * clauses, as GRPO runs it, and with every clause judged afresh) and by reasoning RL's whole reward, next to the
 * rollouts per second a GRPO step samples: a reward must never be what a step waits for.
 */
public final class RewardBench {
    /** The world's reasoning styles: the replies a policy trained on its corpus writes. */
    private static final List<Corpus.Style> STYLES = List.of(Corpus.Style.CAREFUL, Corpus.Style.LEFT_TO_RIGHT,
            Corpus.Style.SELF_CORRECTION, Corpus.Style.CHECKED, Corpus.Style.MESSY, Corpus.Style.MIXED_LANGUAGE);

    private RewardBench() {}

    /** World problems with a reply of every reasoning style, in the problem's language (the prompt left out). */
    public static List<Sample> worldReplies(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (Problem p : new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 4 * n, seed)) {
            if (out.size() == n) break;
            if (!p.category().equals("arith") && !p.category().equals("word")) continue;
            String doc = Documents.solution(STYLES.get(out.size() % STYLES.size()), p, r);
            int think = doc.indexOf("<think>");
            String reply = think >= 0 ? doc.substring(think) : doc.substring(Math.min(doc.length(), p.prompt().length())).trim();
            out.add(new Sample(p.prompt(), reply, p.answer(), Map.of("language", p.language())));
        }
        return out;
    }

    /** Replies per second: the median of five repetitions after a warm-up. */
    public static double repliesPerSecond(List<Sample> replies, java.util.function.Consumer<Sample> score) {
        double sec = Timing.medianSeconds(() -> replies.forEach(score), 5, 0.3, 1.0);
        return replies.size() / sec;
    }

    public static double languageCached(List<Sample> replies) {
        LanguageConsistencyReward language = new LanguageConsistencyReward();
        return repliesPerSecond(replies, language::score);
    }

    public static double languageUncached(List<Sample> replies) {
        LanguageConsistencyReward language = new LanguageConsistencyReward(LanguageIdentifier.shared().uncached());
        return repliesPerSecond(replies, language::score);
    }

    /** Reasoning RL's rewards (docs/grpo.md): accuracy, language consistency, the readable format. */
    public static double reasoningRlRewards(List<Sample> replies) {
        Rewards rewards = Rewards.parse("accuracy,language,readable", "1,0.2,0.1");
        return repliesPerSecond(replies, rewards::score);
    }
}
