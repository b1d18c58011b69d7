package r1j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.tensor.Seeds;

/**
 * Preference pairs for the reward models of R1's last RL stage (§2.3.4), in the usual prompt/chosen/rejected fields,
 * one per distinct prompt (so that held-out pairs are prompts the model has not been trained on):
 * <ul>
 *   <li>helpfulness: a reasoning problem answered twice with the same reasoning; the chosen summary explains how the
 *       answer comes about, the rejected one is bare ("The answer is 14."), says nothing useful, or hedges;</li>
 *   <li>harmlessness: a harmful request, refused (chosen) rather than complied with (a content-free "sure, here is
 *       how"), answered as if it were a harmless look-alike, or answered after a reasoning that calls it harmful (three
 *       pairs); and a harmless look-alike, answered (chosen) rather than refused, with or without a reasoning that
 *       calls it safe (two pairs) — over-refusal is a failure too. A policy trained against fewer pairs found each
 *       hole: answering harmful requests like look-alikes, then a refusal's reasoning before a non-refusal.</li>
 * </ul>
 */
public final class PreferencePairs {
    private PreferencePairs() {}

    public static List<Map<String, Object>> helpfulness(List<Problem> problems, long seed) {
        List<Map<String, Object>> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            if (p.expr() == null || !seen.add(p.prompt())) continue;
            SplittableRandom r = new SplittableRandom(Seeds.mix(seed, i, 3));
            List<Expr.Step> steps = p.expr().correctSteps();
            String reasoning = Documents.steps(steps, p.language(), true) + ".";
            boolean es = "es".equals(p.language());
            String explained = R1Format.summary(explanation(steps, es), p.answer(), p.language());
            String poor = switch (r.nextInt(3)) {
                case 0 -> R1Format.summary("", p.answer(), p.language());
                case 1 -> es ? "Resumen: listo." : "Summary: done.";
                default -> es ? "Resumen: puede ser " + p.answer() + " o no." : "Summary: it may be " + p.answer() + " or not.";
            };
            out.add(pair("helpfulness", p, R1Format.render(reasoning, explained), R1Format.render(reasoning, poor)));
        }
        return out;
    }

    /** "3 * 4 = 12 first, then 2 + 12 = 14." — the order of the steps, which is what a reader needs. */
    static String explanation(List<Expr.Step> steps, boolean es) {
        if (steps.size() == 1) return steps.get(0).render() + ".";
        StringBuilder b = new StringBuilder(steps.get(0).render()).append(es ? " primero" : " first");
        for (int i = 1; i < steps.size(); i++) b.append(es ? ", luego " : ", then ").append(steps.get(i).render());
        return b.append('.').toString();
    }

    public static List<Map<String, Object>> harmlessness(List<Problem> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            if (!"safety".equals(p.category()) || !seen.add(p.prompt())) continue;
            String refusal = refusal(p.language());
            if (GeneralProblems.REFUSE.equals(p.answer())) {
                // Two ways to fail a harmful request: comply, or treat it as one of the harmless look-alikes and
                // answer that (what a policy trained on the first pair alone learned to do).
                out.add(pair("harmlessness", p, refusal, compliance(p.language())));
                GeneralProblems.SafetyItem other = harmlessItem(i);
                boolean es = "es".equals(p.language());
                out.add(pair("harmlessness", p, refusal, R1Format.render(es ? "Es una pregunta segura." : "This is a safe question.",
                        es ? other.answerEs() : other.answerEn())));
                // The words of a refusal in the reasoning do not make a refusal: what the user reads decides.
                out.add(pair("harmlessness", p, refusal, R1Format.render(es ? "Esta solicitud podría causar daño." : "This request could cause harm.",
                        es ? other.answerEs() : other.answerEn())));
            } else {
                out.add(pair("harmlessness", p, answer(p), refusal));
                boolean es = "es".equals(p.language());
                out.add(pair("harmlessness", p, answer(p), R1Format.render(es ? "Es una pregunta segura." : "This is a safe question.",
                        GeneralProblems.refusal(p.language()))));
            }
        }
        return out;
    }

    /**
     * Harmlessness pairs from a policy's own replies to a safety prompt, judged by the rule (behaves: Refusal.behaves
     * against the prompt's label): each distinct
     * reply that misbehaves (answers a harmful request, refuses a look-alike) is rejected against the reference
     * behaviour, and each that behaves is chosen against the reference failure. The hand-written kinds above cover the
     * failures someone thought of; these cover what the policy that RL starts from actually writes — a reward model
     * never shown those is the one RL learns to fool: trained on hand-written pairs alone, RL for all scenarios raised
     * the model's score while the policy refused fewer unseen harmful requests (docs/results.md, RL for all scenarios).
     */
    public static List<Map<String, Object>> harmlessnessFromReplies(Problem p, List<String> replies, java.util.function.Predicate<String> behaves,
                                                                   int maxPerKind) {
        boolean harmful = GeneralProblems.REFUSE.equals(p.answer());
        String good = harmful ? refusal(p.language()) : answer(p), bad = harmful ? compliance(p.language()) : refusal(p.language());
        List<Map<String, Object>> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>(List.of(good, bad));
        int wrong = 0, right = 0;
        for (String reply : replies) {
            String r = reply.replace(r1j.tokenizer.SpecialTokens.EOS, "").trim();
            if (r.isEmpty() || !seen.add(r)) continue;
            boolean ok = behaves.test(r);
            if (!ok && wrong++ < maxPerKind) out.add(pair("harmlessness", p, good, r));
            if (ok && right++ < maxPerKind) out.add(pair("harmlessness", p, r, bad));
        }
        return out;
    }

    private static GeneralProblems.SafetyItem harmlessItem(int i) {
        List<GeneralProblems.SafetyItem> harmless = GeneralProblems.SAFETY_ITEMS.stream().filter(s -> !s.harmful()).toList();
        return harmless.get(i % harmless.size());
    }

    /** The refusal in the readable format: a one-sentence reason, then the refusal. */
    public static String refusal(String language) {
        boolean es = "es".equals(language);
        return R1Format.render(es ? "Esta solicitud podría causar daño." : "This request could cause harm.", GeneralProblems.refusal(language));
    }

    /** The helpful answer to a harmless look-alike, in the readable format. */
    public static String answer(Problem p) {
        boolean es = "es".equals(p.language());
        GeneralProblems.SafetyItem s = GeneralProblems.safetyItem(p.canonical());
        return R1Format.render(es ? "Es una pregunta segura." : "This is a safe question.", es ? s.answerEs() : s.answerEn());
    }

    private static String compliance(String language) {
        boolean es = "es".equals(language);
        return R1Format.render(es ? "Lo hago." : "I will do it.", es ? "Claro, así se hace: consigue lo necesario y sigue los pasos."
                : "Sure, here is how: get what you need and follow the steps.");
    }

    private static Map<String, Object> pair(String kind, Problem p, String chosen, String rejected) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", p.prompt());
        m.put("chosen", chosen);
        m.put("rejected", rejected);
        m.put("kind", kind);
        m.put("language", p.language());
        m.put("category", p.category());
        m.put("id", p.id());
        return m;
    }
}
