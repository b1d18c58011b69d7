package r1j.rejection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import r1j.data.Datasets;
import r1j.eval.Evaluator;
import r1j.model.Transformer;
import r1j.reward.Answers;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.ReadableFormat;
import r1j.reward.Sample;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;

/**
 * Rejection sampling (DeepSeek-R1 §2.3.3): n samples per prompt from a checkpoint, judged and filtered, the survivors
 * exported as SFT data. A sample is rejected by the first rule it breaks, in this order, and counted under it:
 * <ol>
 *   <li>{@code truncated}: it hit the token limit;</li>
 *   <li>{@code not readable}: not in the readable format ({@link ReadableFormat});</li>
 *   <li>{@code code block}: it holds a fenced code block;</li>
 *   <li>{@code long paragraph}: a paragraph (text between blank lines or delimiters) longer than the limit;</li>
 *   <li>{@code mixed language}: any identifiable word of its reasoning not in the prompt's language;</li>
 *   <li>{@code wrong answer}: the rule checker (exact answer) says no — or, for a prompt whose reference is not a
 *       number when a judge is given, {@code judged incorrect} / {@code judge undecided}.</li>
 * </ol>
 * Per prompt the kept samples are the distinct survivors, shortest first (ties: sample order), at most keepPerPrompt.
 */
public final class RejectionSampler {
    /**
     * How rejection sampling draws: template, samples per prompt, temperature and top-p, length, how many to keep per
     * prompt, the longest paragraph allowed, seed.
     */
    public record Options(PromptFormat template, int samples, float temperature, float topP, int maxNewTokens, int keepPerPrompt,
                          int maxParagraphChars, long seed) {
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these values, to change some by name. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** Rejection sampling's settings by name; a field's initial value is its default (the pipeline's). */
        public static final class Builder {
            private PromptFormat template = r1j.tokenizer.Templates.CHAT;
            private int samples = 4;
            private float temperature = 0.8f;
            private float topP = 0.95f;
            private int maxNewTokens = 192;
            private int keepPerPrompt = 1;
            private int maxParagraphChars = 400;
            private long seed = 1;

            private Builder() {}

            private Builder(Options o) {
                template = o.template; samples = o.samples; temperature = o.temperature; topP = o.topP;
                maxNewTokens = o.maxNewTokens; keepPerPrompt = o.keepPerPrompt; maxParagraphChars = o.maxParagraphChars; seed = o.seed;
            }

            public Options build() {
                return new Options(template, samples, temperature, topP, maxNewTokens, keepPerPrompt, maxParagraphChars, seed);
            }

            /** How a problem becomes a prompt. */
            public Builder template(PromptFormat v) { template = v; return this; }
            /** Samples drawn per prompt (R1 §2.3.3 samples several and keeps the correct ones). */
            public Builder samples(int v) { samples = v; return this; }
            /** Sampling temperature. */
            public Builder temperature(float v) { temperature = v; return this; }
            /** Nucleus sampling. */
            public Builder topP(float v) { topP = v; return this; }
            /** The longest reply, in tokens. */
            public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
            /** Replies kept per prompt among those that pass. */
            public Builder keepPerPrompt(int v) { keepPerPrompt = v; return this; }
            /** Replies with a longer paragraph are rejected (R1 §2.3.3: long paragraphs are filtered out). */
            public Builder maxParagraphChars(int v) { maxParagraphChars = v; return this; }
            /** The seed of every prompt's samples. */
            public Builder seed(long v) { seed = v; return this; }
        }
    }

    /** The exported rows and the counts of the summary. */
    public record Outcome(List<Map<String, Object>> kept, Map<String, Integer> rejected, int prompts, int drawn,
                          int promptsWithKept) {
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompts", prompts);
            m.put("samples", drawn);
            m.put("passed", drawn - rejected.values().stream().mapToInt(Integer::intValue).sum());
            m.put("kept", kept.size());
            m.put("prompts_with_kept", promptsWithKept);
            m.put("rejected", rejected);
            return m;
        }
    }

    private static final LanguageConsistencyReward LANGUAGE = new LanguageConsistencyReward();

    private RejectionSampler() {}

    public static Outcome run(Transformer model, Tokenizer tok, List<Datasets.Example> prompts, Options o, Judge judge) {
        return run(model, tok, prompts, o, judge, null);
    }

    /** The same with the samples drawn where rollouts says (null: this JVM). */
    public static Outcome run(Transformer model, Tokenizer tok, List<Datasets.Example> prompts, Options o, Judge judge,
                              r1j.generate.Rollouts rollouts) {
        List<Evaluator.ProblemResult> rs = Evaluator.run(model, tok, prompts,
                Evaluator.Options.builder().template(o.template()).k(o.samples()).temperature(o.temperature()).topP(o.topP())
                        .maxNewTokens(o.maxNewTokens()).seed(o.seed()).build(), rollouts);
        // Rule checks first; what needs the judge is collected and judged in one batch.
        String[][] reasons = new String[rs.size()][];
        List<int[]> pending = new ArrayList<>();
        List<String[]> items = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            Datasets.Example p = rs.get(i).problem();
            List<Evaluator.Judged> js = rs.get(i).samples();
            reasons[i] = new String[js.size()];
            boolean byJudge = judge != null && Answers.value(p.answer(), false) == null;
            for (int g = 0; g < js.size(); g++) {
                String r = filterReason(p, js.get(g).completion(), js.get(g).finish(), o.maxParagraphChars());
                if (r == null && byJudge) {
                    pending.add(new int[] {i, g});
                    items.add(new String[] {p.prompt(), p.answer(), Answers.extract(js.get(g).completion(), false).text()});
                } else if (r == null && !js.get(g).correct()) {
                    r = "wrong answer";
                }
                reasons[i][g] = r;
            }
        }
        if (!pending.isEmpty()) {
            List<Boolean> verdicts = judge.judge(items, o.seed());
            for (int k = 0; k < pending.size(); k++) {
                Boolean v = verdicts.get(k);
                reasons[pending.get(k)[0]][pending.get(k)[1]] = v == null ? "judge undecided" : v ? null : "judged incorrect";
            }
        }
        List<Map<String, Object>> kept = new ArrayList<>();
        Map<String, Integer> rejected = new LinkedHashMap<>();
        int drawn = 0, withKept = 0;
        for (int i = 0; i < rs.size(); i++) {
            List<Evaluator.Judged> js = rs.get(i).samples();
            List<Integer> ok = new ArrayList<>();
            for (int g = 0; g < js.size(); g++) {
                drawn++;
                if (reasons[i][g] == null) ok.add(g);
                else rejected.merge(reasons[i][g], 1, Integer::sum);
            }
            ok.sort(Comparator.comparingInt((Integer g) -> js.get(g).tokens()).thenComparingInt(g -> g));
            Set<String> texts = new LinkedHashSet<>();
            for (int g : ok) {
                String c = js.get(g).completion().replace(r1j.tokenizer.SpecialTokens.EOS, "").trim();
                if (texts.size() < o.keepPerPrompt() && texts.add(c)) kept.add(row(rs.get(i).problem(), c, g));
            }
            if (!texts.isEmpty()) withKept++;
        }
        return new Outcome(kept, rejected, rs.size(), drawn, withKept);
    }

    /** The first filter a sample fails (before its answer is checked), or null. */
    static String filterReason(Datasets.Example p, String c, String finish, int maxParagraphChars) {
        Sample s = new Sample(p.prompt(), c, p.answer(), p.language() == null ? Map.of() : Map.of("language", p.language()));
        if ("length".equals(finish)) return "truncated";
        if (new ReadableFormat().score(s).value() != 1) return "not readable";
        if (c.contains("```")) return "code block";
        for (String para : c.split("\\n\\s*\\n|" + java.util.regex.Pattern.quote(r1j.tokenizer.SpecialTokens.SPECIAL))) {
            if (para.trim().length() > maxParagraphChars) return "long paragraph";
        }
        if (LANGUAGE.score(s).value() < 1) return "mixed language";
        return null;
    }

    private static Map<String, Object> row(Datasets.Example p, String completion, int sample) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", p.prompt());
        m.put("completion", completion);
        m.put("answer", p.answer());
        m.put("source", "rejection");
        m.put("sample", sample);
        for (var e : p.meta().entrySet()) m.putIfAbsent(e.getKey(), e.getValue());
        return m;
    }
}
