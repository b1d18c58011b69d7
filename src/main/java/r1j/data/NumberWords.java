package r1j.data;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Cardinal numbers 0–999 as words in English and Spanish, both ways (the world writes some operands as words). */
public final class NumberWords {
    private static final String[] EN_UNITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] EN_TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    private static final String[] ES_UNITS = {"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
        "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
        "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete",
        "veintiocho", "veintinueve"};
    private static final String[] ES_TENS = {"", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"};
    private static final String[] ES_HUNDREDS = {"", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos",
        "seiscientos", "setecientos", "ochocientos", "novecientos"};
    private static final Map<String, Integer> PARSE = new HashMap<>();

    static {
        for (int n = 0; n < 1000; n++) {
            PARSE.put(normalise(english(n)), n);
            PARSE.put(normalise(spanish(n)), n);
        }
        PARSE.put("un", 1);
        PARSE.put("una", 1);
        PARSE.put("a hundred", 100);
        PARSE.put("ciento", 100);
    }

    private NumberWords() {}

    public static String english(int n) {
        if (n < 0) return "minus " + english(-n);
        if (n < 20) return EN_UNITS[n];
        if (n < 100) return EN_TENS[n / 10] + (n % 10 == 0 ? "" : "-" + EN_UNITS[n % 10]);
        if (n < 1000) return EN_UNITS[n / 100] + " hundred" + (n % 100 == 0 ? "" : " and " + english(n % 100));
        throw new IllegalArgumentException("number words go to 999, got " + n);
    }

    public static String spanish(int n) {
        if (n < 0) return "menos " + spanish(-n);
        if (n < 30) return ES_UNITS[n];
        if (n < 100) return ES_TENS[n / 10] + (n % 10 == 0 ? "" : " y " + ES_UNITS[n % 10]);
        if (n == 100) return "cien";
        if (n < 1000) return ES_HUNDREDS[n / 100] + (n % 100 == 0 ? "" : " " + spanish(n % 100));
        throw new IllegalArgumentException("number words go to 999, got " + n);
    }

    public static String of(int n, String language) {
        return "es".equals(language) ? spanish(n) : english(n);
    }

    /** The number a phrase names ("fourteen", "forty-two", "catorce", "treinta y dos"), or null. */
    public static Integer parse(String phrase) {
        String p = normalise(phrase);
        boolean negative = p.startsWith("minus ") || p.startsWith("menos ");
        if (negative) p = p.substring(p.indexOf(' ') + 1);
        Integer v = PARSE.get(p);
        return v == null ? null : negative ? -v : v;
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).trim().replace('‐', '-').replaceAll("\\s+", " ")
                .replace("dieciseis", "dieciséis").replace("veintidos", "veintidós").replace("veintitres", "veintitrés")
                .replace("veintiseis", "veintiséis");
    }
}
