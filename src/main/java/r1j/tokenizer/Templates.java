package r1j.tokenizer;

/**
 * The prompt formats of the recipe. Each renders a prompt (the text before the completion) so that a trainer knows
 * where the completion starts: the loss mask of SFT and the policy tokens of GRPO begin right after it.
 * <ul>
 *   <li>{@link #R1_ZERO}: the template of the DeepSeek-R1 report's Table 1, verbatim (docs/grpo.md);</li>
 *   <li>{@link #CHAT}: DeepSeek-R1's chat format, {@code <｜begin▁of▁sentence｜><｜User｜>q<｜Assistant｜>},
 *       the completion ending with {@code <｜end▁of▁sentence｜>};</li>
 *   <li>{@link #PLAIN}: the prompt as it is, for prompt/completion SFT data.</li>
 * </ul>
 */
public enum Templates implements PromptFormat {
    R1_ZERO("r1-zero"), CHAT("chat"), PLAIN("plain");

    /** The R1-Zero template up to the question, and what follows it. */
    public static final String R1_ZERO_PREFIX = "A conversation between User and Assistant. The user asks a question, and the "
            + "Assistant solves it. The assistant first thinks about the reasoning process in the mind and then provides "
            + "the user with the answer. The reasoning process and answer are enclosed within <think> </think> and "
            + "<answer> </answer> tags respectively, i.e., <think> reasoning process here </think> <answer> answer here "
            + "</answer>. User: ";
    public static final String R1_ZERO_SUFFIX = ". Assistant:";

    /** A Jinja chat_template for Hugging Face users of r1j's tokenizers: the same text as {@link #CHAT}. */
    public static final String CHAT_JINJA = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}"
            + "{{ message['content'] }}{% elif message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}"
            + "{% elif message['role'] == 'assistant' %}{{ '<｜Assistant｜>' + message['content'] + '<｜end▁of▁sentence｜>' }}"
            + "{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<｜Assistant｜>' }}{% endif %}";

    public final String id;

    Templates(String id) {
        this.id = id;
    }

    public static Templates parse(String s) {
        for (Templates t : values()) if (t.id.equals(s)) return t;
        throw new IllegalArgumentException("unknown template '" + s + "' (r1-zero, chat, plain, or model: the model's own)");
    }

    @Override
    public String id() {
        return id;
    }

    /**
     * The part of every prompt that does not depend on the question: its KV can be computed once and shared
     * (empty for PLAIN).
     */
    @Override
    public String constantPrefix() {
        return switch (this) {
            case R1_ZERO -> R1_ZERO_PREFIX;
            case CHAT -> SpecialTokens.BOS + SpecialTokens.USER;
            case PLAIN -> "";
        };
    }

    /** The prompt text after the constant prefix. */
    @Override
    public String variablePart(String question) {
        return switch (this) {
            case R1_ZERO -> question + R1_ZERO_SUFFIX;
            case CHAT -> question + SpecialTokens.ASSISTANT;
            case PLAIN -> question;
        };
    }

    @Override
    public String completionEnd() {
        return SpecialTokens.EOS;
    }
}
