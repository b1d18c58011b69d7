package r1j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's own chat template as a prompt format: a question is the conversation [user: question] rendered with
 * the generation prompt, and a completion ends with the template's end-of-turn token (the eos_token it is given).
 * Nothing is shared between prompts (a template may put the date or a system prompt anywhere).
 */
public final class ModelChatFormat implements PromptFormat {
    public static final String ID = "model";

    private final ChatTemplate template;
    private final Map<String, Object> extra;

    /** extra: template variables such as Qwen3's enable_thinking. */
    public ModelChatFormat(ChatTemplate template, Map<String, Object> extra) {
        this.template = template;
        this.extra = extra;
    }

    public ChatTemplate template() {
        return template;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String constantPrefix() {
        return "";
    }

    @Override
    public String variablePart(String question) {
        return template.render(List.of(new ChatTemplate.Message("user", question)), true, extra);
    }

    @Override
    public String completionEnd() {
        Object eos = template.specialToken("eos_token");
        return eos == null ? "" : eos.toString();
    }

    /** A piece of a rendered conversation, and whether it is an assistant's turn (the SFT loss's targets). */
    public record Span(String text, boolean assistant) {}

    /**
     * A conversation split into the template's text and the assistant turns, as TRL's assistant-only loss does: each
     * assistant turn is what rendering through it adds to rendering up to it with the generation prompt. A template
     * that rewrites earlier turns (Qwen3 drops old think blocks) cannot be split so: refused, naming the turn.
     */
    public List<Span> spans(List<ChatTemplate.Message> messages) {
        List<Span> out = new ArrayList<>();
        String done = "";
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).role().equals("assistant")) continue;
            String before = template.render(messages.subList(0, i), true, extra);
            String through = template.render(messages.subList(0, i + 1), false, extra);
            if (!before.startsWith(done) || !through.startsWith(before)) {
                throw new IllegalArgumentException("the chat template renders earlier turns differently once assistant turn "
                        + (i + 1) + " follows, so its text cannot be told apart; give one assistant turn per row "
                        + "(prompt/completion)");
            }
            out.add(new Span(before.substring(done.length()), false));
            out.add(new Span(through.substring(before.length()), true));
            done = through;
        }
        String all = template.render(messages, false, extra);
        if (all.length() > done.length() && all.startsWith(done)) out.add(new Span(all.substring(done.length()), false));
        return out;
    }
}
