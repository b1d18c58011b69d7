package r1j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Qwen3's and DeepSeek-V3's real chat templates (from the npm tokenizer packages) render exactly as transformers'
 * jinja2 environment renders them (scripts/reference_chat_templates.py wrote the expected text): system prompts,
 * multi-turn history with think blocks, add_generation_prompt on and off, enable_thinking=false.
 */
class ChatTemplateTest {
    @Test
    void realTemplatesRenderAsTransformersDoes() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/chat-templates/cases.json").toFile());
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            JsonNode t = root.get("templates").get(c.get("template").asText());
            Map<String, Object> tokens = new LinkedHashMap<>();
            tokens.put("bos_token", t.get("bos_token").isNull() ? null : t.get("bos_token").asText());
            tokens.put("eos_token", t.get("eos_token").asText());
            ChatTemplate template = new ChatTemplate(t.get("chat_template").asText(), c.get("template").asText(), tokens);
            List<ChatTemplate.Message> ms = new ArrayList<>();
            for (JsonNode m : c.get("messages")) ms.add(new ChatTemplate.Message(m.get("role").asText(), m.get("content").asText()));
            Map<String, Object> kwargs = new LinkedHashMap<>();
            c.get("kwargs").fields().forEachRemaining(e -> kwargs.put(e.getKey(), e.getValue().asBoolean()));
            String got = template.render(ms, c.get("add_generation_prompt").asBoolean(), kwargs);
            assertThat(got).as("%s, %s, generation prompt %s, %s", c.get("template"), c.get("conversation"),
                    c.get("add_generation_prompt"), kwargs).isEqualTo(c.get("expected").asText());
            checked++;
        }
        assertThat(checked).isEqualTo(24);
    }

    @Test
    void pythonismsJinjavaLacksBehaveAsInJinja2() {
        ChatTemplate t = new ChatTemplate("{%- set ns = namespace(last=messages|length - 1) %}{{- ns.last }}|"
                + "{%- for m in messages[::-1] %}{{ m.role }},{% endfor %}|{{ messages[0].content.lstrip('\\n').rstrip() }}|"
                + "{{ messages[0].content.startswith('\\n') }}|{{ messages | tojson }}", "test", Map.of());
        String out = t.render(List.of(new ChatTemplate.Message("user", "\nhi \"x\"  "), new ChatTemplate.Message("assistant", "ok")),
                false, Map.of());
        assertThat(out).isEqualTo("1|assistant,user,|hi \"x\"|true|"
                + "[{\"role\": \"user\", \"content\": \"\\nhi \\\"x\\\"  \"}, {\"role\": \"assistant\", \"content\": \"ok\"}]");
    }

    @Test
    void aTemplateThatRaisesRefusesInOneLine() {
        ChatTemplate t = new ChatTemplate("{% if messages[0].role != 'user' %}{{ raise_exception('Conversations must start with a user turn') }}{% endif %}ok",
                "tokenizer_config.json chat_template", Map.of());
        assertThat(t.render(List.of(new ChatTemplate.Message("user", "x")), true, Map.of())).isEqualTo("ok");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.render(List.of(new ChatTemplate.Message("assistant", "x")), true, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer_config.json chat_template").hasMessageContaining("Conversations must start with a user turn");
    }

    @Test
    void aListOfNamedTemplatesUsesTheDefaultOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"</s>\"}, "
                + "\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"{{ messages[0].content }}{{ eos_token }}\"}]}");
        ChatTemplate t = ChatTemplate.load(dir);
        assertThat(t.render(List.of(new ChatTemplate.Message("user", "q")), true, Map.of())).isEqualTo("q</s>");
        assertThat(new ModelChatFormat(t, Map.of()).completionEnd()).isEqualTo("</s>");
    }

    @Test
    void assistantTurnsAreTheSftTargets() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/chat-templates/cases.json").toFile());
        JsonNode ds = root.get("templates").get("deepseek_v3");
        ChatTemplate t = new ChatTemplate(ds.get("chat_template").asText(), "deepseek_v3",
                Map.of("bos_token", ds.get("bos_token").asText(), "eos_token", ds.get("eos_token").asText()));
        var spans = new ModelChatFormat(t, Map.of()).spans(List.of(new ChatTemplate.Message("user", "2+3?"),
                new ChatTemplate.Message("assistant", "5"), new ChatTemplate.Message("user", "and 4?"),
                new ChatTemplate.Message("assistant", "9")));
        assertThat(spans).extracting(ModelChatFormat.Span::text).containsExactly("<｜begin▁of▁sentence｜><｜User｜>2+3?<｜Assistant｜>",
                "5<｜end▁of▁sentence｜>", "<｜User｜>and 4?<｜Assistant｜>", "9<｜end▁of▁sentence｜>");
        assertThat(spans).extracting(ModelChatFormat.Span::assistant).containsExactly(false, true, false, true);

        // Qwen3's template drops an earlier turn's think block once a later user turn follows: refused, naming the turn.
        JsonNode q = root.get("templates").get("qwen3");
        ChatTemplate qt = new ChatTemplate(q.get("chat_template").asText(), "qwen3", Map.of("eos_token", q.get("eos_token").asText()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelChatFormat(qt, Map.of()).spans(List.of(
                new ChatTemplate.Message("user", "a"), new ChatTemplate.Message("assistant", "<think>\nx\n</think>\n\nb"),
                new ChatTemplate.Message("user", "c"), new ChatTemplate.Message("assistant", "<think>\ny\n</think>\n\nd"))))
                .hasMessageContaining("assistant turn 4");
    }
}
