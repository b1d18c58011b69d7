package r1j.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pre-tokenizers of Hugging Face tokenizer.json files that byte-level BPEs use: Split (a regex, with its
 * delimiter behaviour), Digits, ByteLevel (GPT-2's regex and the byte map) and Sequence. Each turns a list of pieces
 * into a finer list; the BPE then runs on each piece.
 */
public interface PreTokenizer {
    List<String> split(List<String> pieces);

    /** GPT-2's pattern, used by ByteLevel when use_regex is true. */
    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Compiles a tokenizer.json regex: \s and friends are Unicode-aware there (Oniguruma), so here too. */
    static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    enum Behavior { REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    /** Split on a pattern (HF Split); with invert the matches are the pieces kept and the rest the delimiters. */
    record Split(Pattern pattern, Behavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public List<String> split(List<String> pieces) {
            List<String> out = new ArrayList<>();
            for (String s : pieces) splitOne(s, out);
            return out;
        }

        private void splitOne(String s, List<String> out) {
            // Spans of (start, end, isDelimiter) covering s.
            List<int[]> spans = new ArrayList<>();
            Matcher m = pattern.matcher(s);
            int at = 0;
            while (m.find()) {
                if (m.end() == m.start()) continue;
                if (m.start() > at) spans.add(new int[] {at, m.start(), invert ? 1 : 0});
                spans.add(new int[] {m.start(), m.end(), invert ? 0 : 1});
                at = m.end();
            }
            if (at < s.length()) spans.add(new int[] {at, s.length(), invert ? 1 : 0});
            List<int[]> merged = new ArrayList<>();
            for (int i = 0; i < spans.size(); i++) {
                int[] sp = spans.get(i);
                boolean delim = sp[2] == 1;
                switch (behavior) {
                    case REMOVED -> {
                        if (!delim) merged.add(sp);
                    }
                    case ISOLATED -> merged.add(sp);
                    case MERGED_WITH_PREVIOUS -> {
                        if (delim && !merged.isEmpty()) merged.get(merged.size() - 1)[1] = sp[1];
                        else merged.add(sp.clone());
                    }
                    case MERGED_WITH_NEXT -> {
                        if (delim && i + 1 < spans.size()) spans.get(i + 1)[0] = sp[0];
                        else merged.add(sp);
                    }
                    case CONTIGUOUS -> {
                        if (delim && !merged.isEmpty() && merged.get(merged.size() - 1)[2] == 1) {
                            merged.get(merged.size() - 1)[1] = sp[1];
                        } else {
                            merged.add(sp.clone());
                        }
                    }
                }
            }
            for (int[] sp : merged) if (sp[1] > sp[0]) out.add(s.substring(sp[0], sp[1]));
        }
    }

    /** Digits: every digit alone (individual_digits) or runs of digits together. */
    record Digits(boolean individual) implements PreTokenizer {
        @Override
        public List<String> split(List<String> pieces) {
            return new Split(compile(individual ? "\\p{N}" : "\\p{N}+"), Behavior.ISOLATED, false).split(pieces);
        }
    }

    /** ByteLevel: optional prefix space, optional GPT-2 regex split, then every piece mapped to the byte alphabet. */
    record ByteLevelStage(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
        private static final Pattern GPT2 = compile(GPT2_PATTERN);

        @Override
        public List<String> split(List<String> pieces) {
            List<String> out = new ArrayList<>();
            for (String p : pieces) {
                String s = addPrefixSpace && !p.startsWith(" ") ? " " + p : p;
                List<String> parts = useRegex ? new Split(GPT2, Behavior.ISOLATED, false).split(List.of(s)) : List.of(s);
                for (String part : parts) out.add(ByteLevel.encode(part));
            }
            return out;
        }
    }

    record Sequence(List<PreTokenizer> stages) implements PreTokenizer {
        @Override
        public List<String> split(List<String> pieces) {
            for (PreTokenizer p : stages) pieces = p.split(pieces);
            return pieces;
        }
    }

    /** Unicode normalisation before pre-tokenization (HF normalizers NFC, NFKC, NFD, NFKD, Lowercase, Sequence). */
    interface TextNormalizer {
        String apply(String s);

        static TextNormalizer form(Normalizer.Form f) {
            return s -> Normalizer.normalize(s, f);
        }

        TextNormalizer IDENTITY = s -> s;
    }
}
