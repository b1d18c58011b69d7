package r1j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's own chat template: the Jinja {@code chat_template} of tokenizer_config.json (or chat_template.jinja),
 * rendered by a real Jinja engine (jinjava) with the environment transformers' apply_chat_template gives it:
 * trim_blocks and lstrip_blocks, {@code raise_exception}, the special tokens as variables, {@code messages} with
 * their roles, {@code add_generation_prompt}, and extra variables such as Qwen3's {@code enable_thinking}.
 */
public final class ChatTemplate {
    /** One turn; reasoning may be null (templates then split it out of the content's think block themselves). */
    public record Message(String role, String content, String reasoningContent) {
        public Message(String role, String content) {
            this(role, content, null);
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", role);
            m.put("content", content);
            if (reasoningContent != null) m.put("reasoning_content", reasoningContent);
            return m;
        }
    }

    private final String source;
    private final String origin;
    private final Map<String, Object> specialTokens;

    public ChatTemplate(String source, String origin, Map<String, Object> specialTokens) {
        this.source = JinjaPython.rewrite(source);
        this.origin = origin;
        this.specialTokens = specialTokens;
    }

    /** The template of a model or tokenizer folder, or null when it has none. */
    public static ChatTemplate load(Path dir) throws IOException {
        Path cfgFile = dir.resolve("tokenizer_config.json");
        JsonNode cfg = Files.isRegularFile(cfgFile) ? TokenizerJson.JSON.readTree(cfgFile.toFile()) : null;
        Map<String, Object> tokens = new HashMap<>();
        if (cfg != null) {
            for (String k : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
                JsonNode v = cfg.get(k);
                // A special token is a string or an AddedToken object with its content.
                if (v != null && v.isTextual()) tokens.put(k, v.asText());
                else if (v != null && v.isObject() && v.path("content").isTextual()) tokens.put(k, v.path("content").asText());
            }
        }
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) return new ChatTemplate(Files.readString(jinja), jinja.toString(), tokens);
        JsonNode t = cfg == null ? null : cfg.get("chat_template");
        if (t == null || t.isNull()) return null;
        if (t.isTextual()) return new ChatTemplate(t.asText(), cfgFile + " chat_template", tokens);
        // A list of named templates: the one called "default", as transformers picks it.
        if (t.isArray()) {
            for (JsonNode n : t) {
                if ("default".equals(n.path("name").asText()) && n.path("template").isTextual()) {
                    return new ChatTemplate(n.path("template").asText(), cfgFile + " chat_template (default)", tokens);
                }
            }
        }
        throw new IllegalArgumentException(cfgFile + ": chat_template is neither a string nor a list with a 'default' template");
    }

    /** The text of a conversation; with addGenerationPrompt it ends where the assistant's reply begins. */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> vars = new HashMap<>(specialTokens);
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Message m : messages) ms.add(m.asMap());
        vars.put("messages", ms);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.putAll(extra);
        RAISED.remove();
        RenderResult r = ENGINE.renderForResult(source, vars);
        String raised = RAISED.get();
        RAISED.remove();
        if (raised != null) throw new IllegalArgumentException(origin + ": the template refuses this conversation: " + raised);
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException(origin + ": line " + e.getLineno() + ": " + e.getMessage());
            }
        }
        return r.getOutput();
    }

    /** A special token's text as the template sees it (bos_token, eos_token, …), or null. */
    public Object specialToken(String name) {
        return specialTokens.get(name);
    }

    public String origin() {
        return origin;
    }

    /** The message of a raise_exception during the current render (jinjava reports only that the call failed). */
    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    /** transformers' raise_exception: the template refuses the conversation with its own message. */
    public static String raiseException(String message) {
        RAISED.set(message);
        throw new IllegalArgumentException(message);
    }

    private static final Jinjava ENGINE = engine();

    private static Jinjava engine() {
        jinjava.javax.el.CompositeELResolver resolver = new jinjava.javax.el.CompositeELResolver();
        resolver.add(new JinjaPython.StringMethods());
        resolver.add(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withElResolver(resolver).build();
        Jinjava j = new Jinjava(config);
        j.getGlobalContext().registerFilter(new JinjaPython.ToJson());
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
                "raiseException", String.class));
        return j;
    }
}
