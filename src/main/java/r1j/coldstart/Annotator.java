package r1j.coldstart;

import r1j.data.R1Format;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import r1j.data.Documents;
import r1j.data.Expr;
import r1j.reward.ReadableFormat;
import r1j.reward.Reflection;
import r1j.reward.Segment;

/**
 * The rule-based annotator that stands in for the R1 report's human annotators (§2.3.1: "post-processing refinement"
 * of R1-Zero outputs into a readable pattern). Its rules, in order:
 * <ol>
 *   <li>the chain of thought is the reply's reasoning (think block or first delimited part, else the whole reply);</li>
 *   <li>after a reflection ("wait", "espera"…) only the steps that follow the last one count: what came before was
 *       the attempt the reply itself rejected;</li>
 *   <li>the steps are the "a op b = c" equations in it; a chain with none is unreadable and dropped;</li>
 *   <li>every step must be true arithmetic, and the last must give the answer, or the chain is dropped;</li>
 *   <li>the kept steps are rewritten as sentences in the prompt's language ("First, … Then, … Finally, …"); a
 *       chain that reflected keeps a verification ("Wait, let me recheck: … Yes, that is correct.");</li>
 *   <li>the summary restates the last step and the answer: "Summary: 2 + 12 = 14. The answer is 14."</li>
 * </ol>
 * Whether the answer is right is the caller's filter; the rewrite states the answer the chain reached.
 */
public final class Annotator {
    /** Either a rewrite, or why the chain was dropped. */
    public record Outcome(String completion, String dropReason, boolean reflected) {
        public boolean kept() {
            return completion != null;
        }
    }

    private static final Pattern STEP = Pattern.compile("(?<![\\d.])(\\d+)\\s*([-+*×x])\\s*(\\d+)\\s*=\\s*(-?\\d+)");

    private Annotator() {}

    public static Outcome rewrite(String reply, String language) {
        String chain = Segment.REASONING.select(reply);
        int after = Reflection.endOfLast(chain);
        boolean reflected = after >= 0;
        List<Expr.Step> steps = steps(reflected ? chain.substring(after) : chain);
        if (steps.isEmpty() && reflected) steps = steps(chain);
        if (steps.isEmpty()) return new Outcome(null, "unreadable: no steps", reflected);
        for (Expr.Step s : steps) {
            if (Expr.apply(s.a(), s.op(), s.b()) != s.result()) return new Outcome(null, "wrong step: " + s.render(), reflected);
        }
        Expr.Step last = steps.get(steps.size() - 1);
        String answer = Integer.toString(last.result());
        boolean es = "es".equals(language);
        StringBuilder reasoning = new StringBuilder(Documents.steps(steps, language, true)).append('.');
        if (reflected) {
            reasoning.append(es ? " Espera, déjame revisar: " : " Wait, let me recheck: ").append(Documents.steps(steps, language, false))
                    .append(es ? ". Sí, es correcto." : ". Yes, that is correct.");
        }
        String summary = R1Format.summary(last.render() + ".", answer, language);
        return new Outcome(R1Format.render(reasoning.toString(), summary), null, reflected);
    }

    /** The "a op b = c" equations of a text, in order. */
    static List<Expr.Step> steps(String text) {
        List<Expr.Step> out = new ArrayList<>();
        Matcher m = STEP.matcher(text);
        while (m.find()) {
            String op = m.group(2).equals("×") || m.group(2).equals("x") ? "*" : m.group(2);
            try {
                out.add(new Expr.Step(Integer.parseInt(m.group(1)), op, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
            } catch (NumberFormatException e) {
                return List.of(); // a number too large for the world is not a readable step
            }
        }
        return out;
    }
}
