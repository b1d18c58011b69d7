package r1j.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One problem of the world (docs/world.md): its prompt in English or Spanish, the exact answer, difficulty 1–5, category
 * (arith, word, general, safety), whether it is a precedence trap, and the canonical form its split is hashed on
 * (the same in both languages, so a problem and its translation never land in different splits).
 */
public record Problem(String id, String language, String prompt, String answer, int difficulty, String category,
                      boolean trap, String canonical, Expr expr) {

    /** The JSONL row of `r1j data tasks`: TRL's prompt/answer plus r1j's fields. */
    public Map<String, Object> row() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("prompt", prompt);
        m.put("answer", answer);
        m.put("language", language);
        m.put("difficulty", difficulty);
        m.put("category", category);
        m.put("trap", trap);
        if (expr != null) m.put("left_to_right", Integer.toString(expr.naive()));
        return m;
    }

    /**
     * What a problem is, whatever its language: its category and canonical form (what its split and id are hashed
     * on), difficulty, whether it is a precedence trap, and its expression (arithmetic and word problems; else null).
     */
    record Kind(String category, String canonical, int difficulty, boolean trap, Expr expr) {}

    /** The problem of that kind in a language: its prompt there and its answer; the id follows from kind and language. */
    static Problem of(Kind kind, String language, String prompt, String answer) {
        return new Problem(idOf(kind.category(), kind.canonical(), language), language, prompt, answer, kind.difficulty(),
                kind.category(), kind.trap(), kind.canonical(), kind.expr());
    }

    static String idOf(String category, String canonical, String language) {
        return category + "-" + Splits.hex(Splits.hash(category + "|" + canonical)) + "-" + language;
    }
}
