package r1j.coldstart;

import r1j.data.R1Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import r1j.data.Datasets;
import r1j.data.Documents;
import r1j.data.Expr;
import r1j.data.Jsonl;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.io.AtomicFiles;
import r1j.eval.Evaluator;
import r1j.model.Transformer;
import r1j.reward.Answers;
import r1j.reward.LanguageConsistencyReward;
import r1j.reward.ReadableFormat;
import r1j.reward.Reflection;
import r1j.reward.Sample;
import r1j.tensor.Seeds;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.SpecialTokens;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * Cold-start data (DeepSeek-R1 §2.3.1) from the report's three sources, each a separate step whose rows carry their
 * provenance ({@code source}, {@code raw}: what the model wrote):
 * <ul>
 *   <li>{@link #fewShot}: the base model prompted with long chains of thought as examples (the steps, a re-check of
 *       every step, the answer, in the corpus's own prose), then the problem; replies refined by the {@link Annotator};</li>
 *   <li>{@link #direct}: the base model prompted for a solution; replies that reflect and verify ("wait, let me
 *       recheck") are kept and put into the readable format by the {@link Annotator};</li>
 *   <li>{@link #refined}: R1-Zero's replies, refined by the {@link Annotator}.</li>
 * </ul>
 * Optionally a fourth source, {@code worked}: solutions the world writes from its correct steps (hand-written
 * examples' stand-in). {@link #filter} then keeps rows whose answer is right, whose format is readable, whose reasoning is entirely in the
 * prompt's language and whose steps are all true, without duplicates.
 */
public final class ColdStart {
    /** Sampling settings shared by the sources. */
    public record Sampling(int samples, float temperature, int maxNewTokens, long seed) {}

    /** The models that write cold-start data: the base (few-shot and direct prompting), its tokenizer, and R1-Zero (or null). */
    public record Models(Transformer base, Tokenizer tok, Transformer r1Zero) {}

    /**
     * How much each source writes: problems per source, worked examples per few-shot prompt, and the world's own worked
     * solutions added (0: none).
     */
    public record Plan(int perSource, int shots, int worked) {}

    private static final LanguageConsistencyReward LANGUAGE = new LanguageConsistencyReward();

    private ColdStart() {}

    /** The files build writes (an output folder's to replace with --force). */
    public static final List<String> OUTPUTS = List.of("fewshot.jsonl", "direct.jsonl", "r1zero.jsonl", "worked.jsonl", "coldstart.jsonl", "summary.json");

    /**
     * The whole cold-start job into folder out: each source's candidates in its own file (read back when present, so
     * an interrupted job resumes), distinct problems for each source, then coldstart.jsonl (filtered and merged) and
     * summary.json. Returns the summary rows: one per source, then the total with the drop counts. r1Zero may be null.
     */
    public static List<Map<String, Object>> build(Path out, Models models, List<Datasets.Example> problems, Plan plan, Sampling s)
            throws IOException {
        Transformer base = models.base(), r1Zero = models.r1Zero();
        Tokenizer tok = models.tok();
        int perSource = plan.perSource(), shots = plan.shots(), worked = plan.worked();
        Files.createDirectories(out);
        Map<String, List<Map<String, Object>>> raw = new LinkedHashMap<>();
        raw.put("fewshot", source(out, "fewshot", () -> fewShot(base, tok, problems.subList(0, perSource), longChains(s.seed()), shots, s)));
        raw.put("direct", source(out, "direct", () -> direct(base, tok, problems.subList(perSource, 2 * perSource), s)));
        if (r1Zero != null) raw.put("r1zero", source(out, "r1zero", () -> refined(r1Zero, tok, problems.subList(2 * perSource, 3 * perSource), s)));
        if (worked > 0) raw.put("worked", source(out, "worked", () -> workedRows(worked, s.seed())));
        List<Map<String, Object>> merged = new ArrayList<>();
        raw.values().forEach(merged::addAll);
        Filtered f = filter(merged);
        Jsonl.writeAll(out.resolve("coldstart.jsonl"), f.rows());
        List<Map<String, Object>> summary = new ArrayList<>();
        for (var e : raw.entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", e.getKey());
            row.put("problems", perSource);
            row.put("samples", perSource * s.samples());
            row.put("candidates", e.getValue().size());
            List<Map<String, Object>> kept = f.rows().stream().filter(r -> e.getKey().equals(r.get("source"))).toList();
            row.put("kept", kept.size());
            // Long CoT: kept rows that verify their steps ("Wait, let me recheck: …").
            row.put("kept_with_verification", kept.stream().filter(r -> Reflection.in((String) r.get("completion"))).count());
            summary.add(row);
        }
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("source", "all");
        total.put("candidates", merged.size());
        total.put("kept", f.rows().size());
        total.put("dropped", f.dropped());
        summary.add(total);
        AtomicFiles.writeString(out.resolve("summary.json"), Jsonl.write(summary) + "\n");
        return summary;
    }

    private interface Source {
        List<Map<String, Object>> rows() throws IOException;
    }

    private static List<Map<String, Object>> source(Path out, String name, Source src) throws IOException {
        Path file = out.resolve(name + ".jsonl");
        if (Files.isRegularFile(file)) return Jsonl.readMaps(file);
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows = src.rows();
        Jsonl.writeAll(file, rows);
        System.err.printf("coldstart %s: %d candidate rows in %.0f s → %s%n", name, rows.size(), (System.nanoTime() - t0) / 1e9, file);
        return rows;
    }

    /**
     * Solutions the world writes itself, from its correct steps: the stand-in for the report's hand-written cold-start
     * examples, used only where asked (the nano pipeline, whose base is too small to write any).
     */
    static List<Map<String, Object>> workedRows(int n, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Datasets.Example e : examples(seed + 1)) {
            if (rows.size() == n) break;
            rows.add(row(e, e.completion(), "worked", ""));
        }
        return rows;
    }

    /** World problems of levels 2–3 (train split), each with the solution that write makes from its correct steps. */
    private static List<Datasets.Example> solved(long seed, java.util.function.BiFunction<Problem, List<Expr.Step>, String> write) {
        List<Datasets.Example> ex = new ArrayList<>();
        for (Problem p : new World(World.Mix.defaults()).tasks(Splits.Split.TRAIN, 400, seed + 1000)) {
            if (p.expr() == null || p.difficulty() < 2 || p.difficulty() > 3) continue;
            ex.add(new Datasets.Example(0, p.prompt(), p.answer(), write.apply(p, p.expr().correctSteps()), null,
                    Map.of("language", p.language())));
        }
        return ex;
    }

    /** Worked examples in the readable format (the "worked" source). */
    static List<Datasets.Example> examples(long seed) {
        return solved(seed, (p, steps) -> worked(steps, p.answer(), p.language()));
    }

    /**
     * The few-shot examples: long chains of thought in the corpus's prose ("Solution: First, … Wait, let me recheck. …
     * Yes, that is correct. The answer is 14."), a form the base has read, so it can continue one; the report's
     * few-shot examples are long CoTs, their outputs refined into the readable format afterwards.
     */
    static List<Datasets.Example> longChains(long seed) {
        return solved(seed, (p, steps) -> cue(p.language()) + " " + Documents.verified(steps, p.language())
                + ("es".equals(p.language()) ? ". La respuesta es " : ". The answer is ") + p.answer() + ".");
    }

    private static String cue(String language) {
        return "es".equals(language) ? "Solución:" : "Solution:";
    }

    /** The readable solution of a world problem, written from its correct steps. */
    public static String worked(List<Expr.Step> steps, String answer, String language) {
        String reasoning = Documents.steps(steps, language, true) + ".";
        return R1Format.render(reasoning, R1Format.summary(steps.get(steps.size() - 1).render() + ".", answer, language));
    }

    /**
     * Few-shot prompting: {@code shots} long-CoT examples in the problem's language, each ended by EOS as documents are
     * in pretraining, then the problem and the solution cue, which the reply continues. Replies whose chain the
     * {@link Annotator} can read are rewritten into the readable format, as R1's few-shot outputs were refined.
     */
    public static List<Map<String, Object>> fewShot(Transformer base, Tokenizer tok, List<Datasets.Example> problems,
                                                    List<Datasets.Example> examples, int shots, Sampling s) {
        List<Datasets.Example> prompted = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            Datasets.Example p = problems.get(i);
            SplittableRandom r = new SplittableRandom(Seeds.mix(s.seed(), i, 5));
            StringBuilder sb = new StringBuilder();
            int added = 0;
            for (int tries = 0; added < shots && tries < 50 * shots; tries++) {
                Datasets.Example ex = examples.get(r.nextInt(examples.size()));
                if (ex.prompt().equals(p.prompt()) || !String.valueOf(ex.language()).equals(String.valueOf(p.language()))) continue;
                sb.append(ex.prompt()).append(' ').append(ex.completion()).append(SpecialTokens.EOS);
                added++;
            }
            sb.append(p.prompt()).append(' ').append(cue(p.language()));
            prompted.add(new Datasets.Example(p.line(), sb.toString(), p.answer(), null, null, p.meta()));
        }
        List<Evaluator.ProblemResult> rs = sample(base, tok, Templates.PLAIN, prompted, s);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            for (Evaluator.Judged j : rs.get(i).samples()) {
                Annotator.Outcome a = Annotator.rewrite(j.completion(), problems.get(i).language());
                if (a.kept()) out.add(row(problems.get(i), a.completion(), "fewshot", j.completion()));
            }
        }
        return out;
    }

    /** Direct prompting for a solution; replies that reflect are annotated into the readable format. */
    public static List<Map<String, Object>> direct(Transformer base, Tokenizer tok, List<Datasets.Example> problems, Sampling s) {
        List<Datasets.Example> prompted = new ArrayList<>();
        for (Datasets.Example p : problems) {
            prompted.add(new Datasets.Example(p.line(), p.prompt() + " " + cue(p.language()), p.answer(), null, null, p.meta()));
        }
        List<Evaluator.ProblemResult> rs = sample(base, tok, Templates.PLAIN, prompted, s);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            for (Evaluator.Judged j : rs.get(i).samples()) {
                if (!j.correct() || !Reflection.in(j.completion())) continue;
                Annotator.Outcome a = Annotator.rewrite(j.completion(), problems.get(i).language());
                if (a.kept()) out.add(row(problems.get(i), a.completion(), "direct", j.completion()));
            }
        }
        return out;
    }

    /** R1-Zero's replies (R1-Zero template), the correct ones refined by the annotator. */
    public static List<Map<String, Object>> refined(Transformer r1Zero, Tokenizer tok, List<Datasets.Example> problems, Sampling s) {
        List<Evaluator.ProblemResult> rs = sample(r1Zero, tok, Templates.R1_ZERO, problems, s);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            for (Evaluator.Judged j : rs.get(i).samples()) {
                if (!j.correct()) continue;
                Annotator.Outcome a = Annotator.rewrite(j.completion(), problems.get(i).language());
                if (a.kept()) out.add(row(problems.get(i), a.completion(), "r1zero", j.completion()));
            }
        }
        return out;
    }

    /** What {@link #filter} kept, and how many rows each rule dropped. */
    public record Filtered(List<Map<String, Object>> rows, Map<String, Integer> dropped) {}

    /** Keeps rows with the right answer, readable format, one language and true steps; drops duplicates. */
    public static Filtered filter(List<Map<String, Object>> rows) {
        List<Map<String, Object>> kept = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, Object> row : rows) {
            String reason = rejectReason(row);
            if (reason == null && !seen.add(row.get("prompt") + "\u0000" + row.get("completion"))) reason = "duplicate";
            if (reason != null) dropped.merge(reason, 1, Integer::sum);
            else kept.add(row);
        }
        return new Filtered(kept, dropped);
    }

    /** Why a cold-start row is not kept, or null. */
    static String rejectReason(Map<String, Object> row) {
        String c = (String) row.get("completion"), answer = String.valueOf(row.get("answer")), lang = (String) row.get("language");
        Sample s = new Sample((String) row.get("prompt"), c, answer, lang == null ? Map.of() : Map.of("language", lang));
        if (!Answers.correct(c, answer, false, false)) return "wrong answer";
        if (new ReadableFormat().score(s).value() != 1) return "not readable";
        if (LANGUAGE.score(s).value() < 1) return "mixed language";
        for (Expr.Step st : Annotator.steps(c)) if (Expr.apply(st.a(), st.op(), st.b()) != st.result()) return "wrong step";
        return null;
    }

    private static List<Evaluator.ProblemResult> sample(Transformer m, Tokenizer tok, PromptFormat t, List<Datasets.Example> ps, Sampling s) {
        return Evaluator.run(m, tok, ps, Evaluator.Options.builder().template(t).k(s.samples())
                .temperature(s.temperature()).topP(1f).maxNewTokens(s.maxNewTokens()).seed(s.seed()).build());
    }

    private static Map<String, Object> row(Datasets.Example p, String completion, String source, String raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", p.prompt());
        m.put("completion", completion.trim());
        m.put("answer", p.answer());
        m.put("source", source);
        m.put("raw", raw);
        for (var e : p.meta().entrySet()) m.putIfAbsent(e.getKey(), e.getValue());
        return m;
    }
}
