package r1j.data;

import java.nio.charset.StandardCharsets;

/**
 * Train / validation / test by a hash of the canonical problem, never by position: the same problem always lands in
 * the same split, whatever the seed or the order of generation. Test 10 %, validation 5 %, train the rest.
 */
public final class Splits {
    /** The three splits a problem is hashed into. */
    public enum Split { TRAIN, VALIDATION, TEST }

    /**
     * Canonical forms with this prefix are always train: one-off examples whose kind nothing else in the world
     * teaches (GeneralProblems.SAFETY's fixed pairs: that a fake passport is harmful follows from no other item), so
     * holding one out would test luck, not generalisation. Test requests are composed ones, whose verb the model can
     * have learned from other people.
     */
    public static final String SEED = "seed:";

    private Splits() {}

    public static Split of(String category, String canonical) {
        if (canonical.startsWith(SEED)) return Split.TRAIN;
        int bucket = (int) Long.remainderUnsigned(hash(category + "|" + canonical), 100);
        return bucket < 10 ? Split.TEST : bucket < 15 ? Split.VALIDATION : Split.TRAIN;
    }

    public static Split parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "train" -> Split.TRAIN;
            case "validation", "val", "valid" -> Split.VALIDATION;
            case "test" -> Split.TEST;
            default -> throw new IllegalArgumentException("split '" + s + "' is not train, validation or test");
        };
    }

    /** FNV-1a, 64 bits, over UTF-8: stable across JVMs and versions (String.hashCode is not meant for this). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static String hex(long h) {
        return String.format("%016x", h).substring(0, 10);
    }
}
