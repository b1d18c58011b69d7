package r1j.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a question becomes a prompt, and what ends a completion: the recipe's own formats ({@link Templates}) or a
 * checkpoint's Jinja chat template ({@link ModelChatFormat}, id "model").
 */
public interface PromptFormat {
    String id();

    /** The part of every prompt that does not depend on the question (its KV is computed once and shared). */
    String constantPrefix();

    /** The prompt text after the constant prefix. */
    String variablePart(String question);

    /** What ends a completion (the trainer appends it to targets). */
    String completionEnd();

    /** The whole prompt; the completion starts right after it. */
    default String render(String question) {
        return constantPrefix() + variablePart(question);
    }

    /**
     * Prompt token ids as the generator and the trainers use them: prefix and variable part encoded separately and
     * concatenated, so the shared prefix's tokens (and KV cache) are the same for every question.
     */
    default int[] encodePrompt(Tokenizer tok, String question) {
        int[] a = tok.encode(constantPrefix(), false), b = tok.encode(variablePart(question), false);
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** "model" (the model folder's chat template), or one of the recipe's formats. */
    static PromptFormat resolve(String id, Path modelDir) throws IOException {
        if (!ModelChatFormat.ID.equals(id)) return Templates.parse(id);
        ChatTemplate t = ChatTemplate.load(modelDir);
        if (t == null) {
            throw new IllegalArgumentException(modelDir + ": no chat_template in tokenizer_config.json or chat_template.jinja "
                    + "for --template model; choose r1-zero, chat or plain");
        }
        return new ModelChatFormat(t, java.util.Map.of());
    }
}
