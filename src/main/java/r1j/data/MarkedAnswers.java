package r1j.data;

/**
 * The answer marks of the ecosystem's math data: the last {@code \boxed{…}} (MATH, and R1's own prompts: "put your
 * final answer within \boxed{}"), with nested braces, and GSM8K's final line {@code #### 42}.
 */
public final class MarkedAnswers {
    private MarkedAnswers() {}

    /** The content of the last complete \boxed{…} (or \fbox{…}), braces balanced; null if there is none. */
    public static String lastBoxed(String text) {
        String found = null;
        int foundAt = -1;
        for (String mark : new String[] {"\\boxed{", "\\fbox{"}) {
            for (int at = text.lastIndexOf(mark); at > foundAt; at = text.lastIndexOf(mark, at - 1)) {
                int start = at + mark.length(), depth = 1, i = start;
                for (; i < text.length() && depth > 0; i++) {
                    char c = text.charAt(i);
                    if (c == '{') depth++;
                    else if (c == '}') depth--;
                }
                if (depth == 0) {
                    found = text.substring(start, i - 1);
                    foundAt = at;
                    break;
                }
                if (at == 0) break;
            }
        }
        return found;
    }

    /** What follows the last "####" (GSM8K), thousands commas removed; null if there is none. */
    public static String afterHashes(String text) {
        int at = text.lastIndexOf("####");
        if (at < 0) return null;
        String rest = text.substring(at + 4).strip();
        int nl = rest.indexOf('\n');
        if (nl >= 0) rest = rest.substring(0, nl).strip();
        return rest.replaceAll("(?<=\\d),(?=\\d{3})", "");
    }
}
