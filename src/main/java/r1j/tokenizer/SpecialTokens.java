package r1j.tokenizer;

import java.util.List;

/**
 * The added tokens of r1j's own tokenizers, in id order from 0: DeepSeek's BOS, EOS and pad (special, skipped when
 * decoding without special tokens), then the markers the templates need, which stay in decoded text.
 */
public final class SpecialTokens {
    public static final String BOS = "<｜begin▁of▁sentence｜>";
    public static final String EOS = "<｜end▁of▁sentence｜>";
    public static final String PAD = "<｜▁pad▁｜>";
    public static final String USER = "<｜User｜>";
    public static final String ASSISTANT = "<｜Assistant｜>";
    public static final String THINK = "<think>";
    public static final String THINK_END = "</think>";
    public static final String ANSWER = "<answer>";
    public static final String ANSWER_END = "</answer>";
    /** The delimiter of the R1 cold-start format, "| special_token | reasoning | special_token | Summary: …". */
    public static final String SPECIAL = "| special_token |";

    /** The added tokens in id order; the first three are special. */
    public static final List<String> ALL = List.of(BOS, EOS, PAD, USER, ASSISTANT, THINK, THINK_END, ANSWER, ANSWER_END, SPECIAL);
    public static final int SPECIAL_COUNT = 3;

    private SpecialTokens() {}
}
