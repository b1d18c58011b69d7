package r1j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.data.Datasets;
import r1j.data.Expr;
import r1j.data.Problem;
import r1j.data.Splits;
import r1j.data.World;
import r1j.model.Transformer;
import r1j.tensor.Grad;
import r1j.tensor.Tensor;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * docs/world.md's base readiness gate, checked before any reinforcement learning: the base must know the single steps
 * (teacher-forced accuracy of "a op b =" → c over the steps of test problems ≥ 90 %) and must solve most problems
 * sometimes (sampled pass@8 ≥ 85 % on the test split with the R1-Zero template). RL elicits what the base can do
 * sometimes; it cannot teach a fact the base lacks.
 */
public final class BaseGate {
    /** What the readiness gate measured and whether it holds. */
    public record Result(double singleStep, int steps, double passAt8, double passAt1, int problems, boolean passed,
                         List<Map<String, Object>> slices) {}

    public static final double SINGLE_STEP = 0.90;
    public static final double PASS_AT_8 = 0.85;

    private BaseGate() {}

    /** The result in one line, as every command that checks the gate prints it. */
    public static String line(Result g) {
        return String.format("readiness gate: single steps %.1f%%, pass@8 %.1f%% → %s", 100 * g.singleStep(), 100 * g.passAt8(),
                g.passed() ? "passed" : "FAILED");
    }

    /**
     * The one refusal of reinforcement learning from a base that fails the gate (docs/world.md: RL elicits what the
     * base can already do sometimes; it cannot teach a fact the base lacks), unless forced.
     */
    public static void require(Result g, Object base, boolean force) {
        if (!g.passed() && !force) {
            throw new IllegalArgumentException(base + " fails the base readiness gate (single steps ≥ " + Math.round(100 * SINGLE_STEP)
                    + " %, pass@8 ≥ " + Math.round(100 * PASS_AT_8) + " %): pretrain longer, or --force");
        }
    }

    public static Result check(Transformer model, Tokenizer tok, int problems, long seed, int maxNewTokens) {
        List<Problem> test = new World(World.Mix.defaults()).tasks(Splits.Split.TEST, problems, seed);
        int right = 0, total = 0;
        int eos = tok.eosId();
        try (var g = Grad.noGrad()) {
            for (Problem p : test) {
                for (Expr.Step s : p.expr().correctSteps()) {
                    int[] ctx = concat(new int[] {eos}, tok.encode(s.a() + " " + s.op() + " " + s.b() + " =", false));
                    Integer want = tok.id(io.byteLevel(" " + s.result()));
                    if (want == null) continue;
                    Tensor lg = model.forward(ctx, 1, ctx.length);
                    int v = lg.cols(), off = (ctx.length - 1) * v, best = 0;
                    for (int i = 1; i < v; i++) if (lg.data[off + i] > lg.data[off + best]) best = i;
                    if (best == want) right++;
                    total++;
                }
            }
        }
        List<Datasets.Example> ex = new ArrayList<>();
        for (Problem p : test) {
            Map<String, Object> meta = new LinkedHashMap<>(p.row());
            ex.add(new Datasets.Example(0, p.prompt(), p.answer(), null, null, meta));
        }
        Evaluator.Options o = Evaluator.Options.builder().template(Templates.R1_ZERO).k(8).temperature(0.6f)
                .topP(0.95f).maxNewTokens(maxNewTokens).seed(seed).build();
        List<Evaluator.ProblemResult> rs = Evaluator.run(model, tok, ex, o);
        List<Map<String, Object>> slices = Report.slices(rs, 8, r1j.data.World.SLICES);
        double p8 = (double) slices.get(0).get("pass@8"), p1 = (double) slices.get(0).get("pass@1");
        double single = total == 0 ? 0 : (double) right / total;
        return new Result(single, total, p8, p1, test.size(), single >= SINGLE_STEP && p8 >= PASS_AT_8, slices);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The byte-level spelling of a piece of text, as the vocabulary stores it. */
    private static final class io {
        static String byteLevel(String s) {
            return r1j.tokenizer.ByteLevel.encode(s);
        }
    }
}
