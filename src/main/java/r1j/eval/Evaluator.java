package r1j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import r1j.data.Datasets;
import r1j.data.Rational;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.model.Transformer;
import r1j.reward.Answers;
import r1j.reward.FormatReward;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.ReadableFormat;
import r1j.reward.Sample;
import r1j.tensor.Seeds;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;

/**
 * The R1 evaluation protocol (DeepSeek-R1 report §3): k samples per problem at temperature 0.6 and top-p 0.95, pass@1
 * as their mean accuracy, cons@k by majority vote over the extracted answers, pass@k by the unbiased estimator, plus
 * a greedy sample; and the quantities the recipe's stages move: format rate (R1-Zero's tags), readable share (the
 * cold-start format), clean share (reasoning in sentences, no loops, one language: {@link r1j.reward.Readability}),
 * language consistency, completion
 * length and the rate of reflection ("wait", "let me recheck", "espera"…).
 */
public final class Evaluator {
    /** How the evaluation samples: template, k samples per problem, temperature and top-p, length, batch and seed. */
    public record Options(PromptFormat template, int k, float temperature, float topP, int maxNewTokens, boolean greedy,
                          int maxBatch, long seed) {
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these values, to change some by name. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** The evaluation's settings by name; a field's initial value is its default (the R1 report's protocol, §3). */
        public static final class Builder {
            private PromptFormat template = r1j.tokenizer.Templates.R1_ZERO;
            private int k = 8;
            private float temperature = 0.6f;
            private float topP = 0.95f;
            private int maxNewTokens = 160;
            private boolean greedy;
            private int maxBatch = 64;
            private long seed = 1;

            private Builder() {}

            private Builder(Options o) {
                template = o.template; k = o.k; temperature = o.temperature; topP = o.topP; maxNewTokens = o.maxNewTokens;
                greedy = o.greedy; maxBatch = o.maxBatch; seed = o.seed;
            }

            public Options build() {
                return new Options(template, k, temperature, topP, maxNewTokens, greedy, maxBatch, seed);
            }

            /** How a problem becomes a prompt (r1-zero, chat, plain, or a model's chat template). */
            public Builder template(PromptFormat v) { template = v; return this; }
            /** Samples per problem: pass@1 is their mean, cons@k their majority vote, pass@k the unbiased estimate. */
            public Builder k(int v) { k = v; return this; }
            /** Sampling temperature (R1: 0.6). */
            public Builder temperature(float v) { temperature = v; return this; }
            /** Nucleus sampling (R1: 0.95). */
            public Builder topP(float v) { topP = v; return this; }
            /** The longest reply, in tokens. */
            public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
            /** Also decode each problem greedily. */
            public Builder greedy(boolean v) { greedy = v; return this; }
            /** Sequences decoded together (changes speed, not the result). */
            public Builder maxBatch(int v) { maxBatch = v; return this; }
            /** The seed of every problem's samples. */
            public Builder seed(long v) { seed = v; return this; }
        }
    }

    /** One completion, judged. */
    public record Judged(String completion, int tokens, String finish, Verdict verdict, Style style) {
        /** The answer taken from the reply (null: none). */
        public String answer() {
            return verdict.answer();
        }

        /** Whether it equals the reference. */
        public boolean correct() {
            return verdict.correct();
        }
    }

    /**
     * @param answer the answer taken from the reply (null: none)
     * @param key its canonical form, for the majority vote of cons@k
     * @param correct whether it equals the reference
     */
    public record Verdict(String answer, String key, boolean correct) {}

    /**
     * @param format the R1-Zero tags in order
     * @param readable the cold-start format (reasoning, then a summary)
     * @param clean reasoning in sentences, no loops, one language ({@code reward.Readability})
     * @param language the language-consistency reward's value
     * @param reflection the reply checks itself
     */
    public record Style(boolean format, boolean readable, boolean clean, double language, boolean reflection) {}

    /** One problem with its samples and greedy completion. */
    public record ProblemResult(Datasets.Example problem, List<Judged> samples, Judged greedy) {
        public int correct() {
            return (int) samples.stream().filter(Judged::correct).count();
        }
    }

    private static final FormatReward FORMAT = new FormatReward();
    private static final ReadableFormat READABLE = new ReadableFormat();
    private static final r1j.reward.Readability CLEAN = new r1j.reward.Readability();
    private static final LanguageConsistencyReward LANGUAGE = new LanguageConsistencyReward();

    private Evaluator() {}

    public static List<ProblemResult> run(Transformer model, Tokenizer tok, List<Datasets.Example> problems, Options o) {
        return run(model, tok, problems, o, null);
    }

    /**
     * The same with the samples drawn where rollouts says (null: this JVM); each request's seed makes them the same.
     */
    public static List<ProblemResult> run(Transformer model, Tokenizer tok, List<Datasets.Example> problems, Options o,
                                          r1j.generate.Rollouts rollouts) {
        int[] prefix = tok.encode(o.template().constantPrefix(), false);
        List<Generator.Request> reqs = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            reqs.add(new Generator.Request(tok.encode(o.template().variablePart(problems.get(i).prompt()), false), Seeds.mix(o.seed(), i)));
        }
        int[] stop = r1j.generate.GenerationConfig.stopTokensOf(model, tok);
        Generator g = new Generator(model, tok, o.maxBatch());
        SamplingParams sp = SamplingParams.sample(o.temperature(), o.topP(), o.maxNewTokens(), stop);
        SamplingParams gp = SamplingParams.greedy(o.maxNewTokens(), stop);
        List<List<Completion>> sampled = rollouts != null ? rollouts.generate(model, 0, prefix, reqs, o.k(), sp) : g.generate(prefix, reqs, o.k(), sp, null);
        List<List<Completion>> greedy = !o.greedy() ? null
                : rollouts != null ? rollouts.generate(model, 0, prefix, reqs, 1, gp) : g.generate(prefix, reqs, 1, gp, null);
        List<ProblemResult> out = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            Datasets.Example p = problems.get(i);
            List<Judged> js = new ArrayList<>();
            for (Completion c : sampled.get(i)) js.add(judge(p, c));
            out.add(new ProblemResult(p, js, greedy == null ? null : judge(p, greedy.get(i).get(0))));
        }
        return out;
    }

    static Judged judge(Datasets.Example p, Completion c) {
        String text = c.text();
        Answers.Extracted e = Answers.extract(text, true);
        boolean correct = r1j.reward.Refusal.isBehaviour(p.answer()) ? r1j.reward.Refusal.behaves(text, p.answer())
                : Answers.matches(e.text(), p.answer(), "true".equals(p.meta().get("percent")));
        Rational v = Answers.value(e.text(), false);
        String key = v != null ? v.toString() : e.text().trim().toLowerCase(Locale.ROOT);
        Sample s = new Sample(p.prompt(), text, p.answer(), p.language() == null ? Map.of() : Map.of("language", p.language()));
        boolean format = FORMAT.score(s).value() == 1;
        boolean readable = READABLE.score(s).value() == 1;
        boolean clean = CLEAN.score(s).value() == 1;
        double lang = LANGUAGE.score(s).value();
        boolean reflection = r1j.reward.Reflection.in(text);
        return new Judged(text, c.tokens().length, c.finish().label(), new Verdict(e.text(), key, correct),
                new Style(format, readable, clean, lang, reflection));
    }
}
