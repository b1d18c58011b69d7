package r1j.tokenizer;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * What Hugging Face chat templates take from Python's jinja2 that jinjava lacks: Python's string methods
 * (startswith, strip('\n'), …), the tojson filter with json.dumps' spacing, and three pieces of syntax rewritten
 * into jinjava's before parsing (whitespace control on expressions, a reversing slice, and expressions as
 * namespace() arguments).
 */
final class JinjaPython {
    private JinjaPython() {}

    /** The Python str methods templates call, on any string value. */
    static final class StringMethods extends ELResolver {
        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
            if (!(base instanceof String s) || method == null) return null;
            Object[] p = params == null ? new Object[0] : params;
            Object r = call(s, method.toString(), p);
            if (r != NONE) context.setPropertyResolved(true);
            return r == NONE ? null : r;
        }

        private static final Object NONE = new Object();

        private static Object call(String s, String m, Object[] p) {
            String a = p.length > 0 && p[0] != null ? p[0].toString() : null;
            return switch (m) {
                case "startswith" -> p.length == 1 ? s.startsWith(a) : NONE;
                case "endswith" -> p.length == 1 ? s.endsWith(a) : NONE;
                case "strip" -> rstrip(lstrip(s, a), a);
                case "lstrip" -> lstrip(s, a);
                case "rstrip" -> rstrip(s, a);
                case "upper" -> s.toUpperCase();
                case "lower" -> s.toLowerCase();
                case "split" -> a == null ? List.of(s.strip().split("\\s+")) : List.of(s.split(java.util.regex.Pattern.quote(a), -1));
                case "replace" -> p.length == 2 ? s.replace(a, String.valueOf(p[1])) : NONE;
                default -> NONE;
            };
        }

        /** Python's lstrip: the given characters (whitespace when none) removed from the start. */
        private static String lstrip(String s, String chars) {
            int i = 0;
            while (i < s.length() && strippable(s.charAt(i), chars)) i++;
            return s.substring(i);
        }

        private static String rstrip(String s, String chars) {
            int j = s.length();
            while (j > 0 && strippable(s.charAt(j - 1), chars)) j--;
            return s.substring(0, j);
        }

        private static boolean strippable(char c, String chars) {
            return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return null;
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {}
    }

    /** tojson as transformers defines it: json.dumps(x, ensure_ascii=False), so ", " and ": " between items. */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            StringBuilder sb = new StringBuilder();
            dump(var, sb);
            return sb.toString();
        }

        private static void dump(Object v, StringBuilder sb) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Map<?, ?> m) {
                sb.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    dump(String.valueOf(e.getKey()), sb);
                    sb.append(": ");
                    dump(e.getValue(), sb);
                }
                sb.append('}');
            } else if (v instanceof Iterable<?> it) {
                sb.append('[');
                boolean first = true;
                for (Object o : it) {
                    if (!first) sb.append(", ");
                    first = false;
                    dump(o, sb);
                }
                sb.append(']');
            } else if (v instanceof Boolean || v instanceof Number) {
                sb.append(v);
            } else {
                String s = v.toString();
                sb.append('"');
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    switch (c) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        case '\r' -> sb.append("\\r");
                        case '\t' -> sb.append("\\t");
                        default -> {
                            if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                            else sb.append(c);
                        }
                    }
                }
                sb.append('"');
            }
        }
    }

    /**
     * Rewrites Python-only syntax into jinjava's: {@code x[::-1]} becomes {@code (x|reverse)}, and every
     * {@code name=value} argument of namespace(…) gets its value parenthesised (jinjava would otherwise apply a
     * trailing operator, as in {@code n=messages|length - 1}, to the named parameter itself).
     */
    static String rewrite(String src) {
        // Whitespace control on expressions ({{- and -}}), which jinjava only knows on statements: the whitespace
        // it would remove is template text next to the tag, so it is removed from the source.
        src = src.replaceAll("\\s*\\{\\{-", "{{").replaceAll("-}}\\s*", "}}");
        String s = src.replaceAll("([A-Za-z_][A-Za-z0-9_.]*)\\[::-1\\]", "($1|reverse)");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int at = s.indexOf("namespace(", i);
            if (at < 0) break;
            int open = at + "namespace(".length();
            out.append(s, i, open);
            Call call = call(s, open - 1);
            if (call == null) {
                i = open;
                continue;
            }
            for (int k = 0; k < call.args().size(); k++) {
                String arg = call.args().get(k);
                int eq = namedEquals(arg);
                if (k > 0) out.append(',');
                out.append(eq < 0 ? arg : arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1) + ")");
            }
            out.append(')');
            i = call.close() + 1;
        }
        return out.append(s.substring(i)).toString();
    }

    /** A call's arguments, split at its top-level commas, and the index of its closing parenthesis. */
    private record Call(List<String> args, int close) {}

    /** The call whose '(' is at open, skipping quoted text and nested brackets; null if it is not closed. */
    private static Call call(String s, int open) {
        List<String> args = new java.util.ArrayList<>();
        int depth = 0, start = open + 1;
        char quote = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) {
                    args.add(s.substring(start, i));
                    return new Call(args, i);
                }
            } else if (c == ',' && depth == 1) {
                args.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return null;
    }

    /** The '=' of "name=value" (not of ==, !=, <=, >=), or -1. */
    private static int namedEquals(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq + 1 < arg.length() && arg.charAt(eq + 1) == '=') return -1;
        return arg.substring(0, eq).strip().matches("[A-Za-z_][A-Za-z0-9_]*") ? eq : -1;
    }
}
