package r1j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sentences under the stage table: what each stage changed, written from the run's own evaluation (never from
 * expectations): R1-Zero's gain and its aha, language mixing and readability, what the cold start and reasoning RL
 * did to them, general and safe behaviour after SFT 2 and RL for all scenarios, and the distilled student against its
 * teacher and the RL-only student. A stage missing from the run leaves its sentence out.
 */
final class Findings {
    private Findings() {}

    static List<String> sentences(Map<String, PipelineReport.Eval> e) {
        List<String> out = new ArrayList<>();
        PipelineReport.Eval base = e.get("base"), zero = e.get("r1-zero"), sft1 = e.get("sft1"), rl = e.get("reasoning-rl"),
                sft2 = e.get("sft2"), all = e.get("rl-all"), student = e.get("student-distilled"), alone = e.get("student-rl");
        if (base != null && zero != null) {
            out.add(String.format(Locale.ROOT, "R1-Zero (GRPO from the base, rule rewards only) moves pass@1 %s → %s (%+.1f points) and "
                            + "level 5 %s → %s; its level-5 replies go from %.0f to %.0f tokens, %s of them checking themselves (base: %s).",
                    pct(base, "pass@1"), pct(zero, "pass@1"), 100 * (zero.get("pass@1") - base.get("pass@1")), pct(base, "level5_pass@1"),
                    pct(zero, "level5_pass@1"), base.get("level5_length"), zero.get("level5_length"), pct(zero, "level5_reflection"),
                    pct(base, "level5_reflection")));
            out.add(String.format(Locale.ROOT, "Its two problems: on Spanish prompts %s of the reasoning is in Spanish (base %s), and clean "
                    + "(one-language, readable) replies go %s → %s.", pct(zero, "language_es"), pct(base, "language_es"), pct(base, "clean"),
                    pct(zero, "clean")));
        }
        if (sft1 != null) {
            out.add(String.format(Locale.ROOT, "The cold start + SFT 1 makes replies %s clean and %s Spanish on Spanish prompts, at pass@1 %s%s.",
                    pct(sft1, "clean"), pct(sft1, "language_es"), pct(sft1, "pass@1"),
                    rl == null ? "" : String.format(Locale.ROOT, "; reasoning RL with the language reward brings pass@1 to %s (R1-Zero %s) "
                            + "and keeps %s Spanish", pct(rl, "pass@1"), zero == null ? "–" : pct(zero, "pass@1"), pct(rl, "language_es"))));
        }
        PipelineReport.Eval last = all != null ? all : sft2;
        if (last != null) {
            out.add(String.format(Locale.ROOT, "After rejection sampling + SFT 2%s: general questions on seen facts %s, harmful requests "
                            + "refused %s, their harmless look-alikes answered %s.", all != null ? " and RL for all scenarios" : "",
                    pct(last, "general_seen_accuracy"), pct(last, "harmful_refused"), pct(last, "harmless_answered")));
        }
        if (student != null && all != null) {
            double share = student.get("pass@1") / all.get("pass@1");
            out.add(String.format(Locale.ROOT, "The distilled student (%,.0f active parameters) reaches %s pass@1, %s of its teacher's %s%s.",
                    student.get("parameters_active"), pct(student, "pass@1"), Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f %%", 100 * share) : "–",
                    pct(all, "pass@1"), alone == null ? "" : "; the same student by RL alone reaches " + pct(alone, "pass@1")));
        }
        return out;
    }

    private static String pct(PipelineReport.Eval e, String key) {
        return PipelineReport.pct(e.get(key));
    }
}
