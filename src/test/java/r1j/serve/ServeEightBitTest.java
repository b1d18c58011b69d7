package r1j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.model.Transformer;
import r1j.tensor.FrozenDtype;

/**
 * r1j serve --frozen-dtype q8: the served model's matrices are Q8_0 blocks, and the official client gets a complete
 * reply, the same for the same seeded request to another server on the same 8-bit model.
 */
class ServeEightBitTest {
    @TempDir
    Path tmp;

    private static String reply(OpenAiServer.Served served) throws Exception {
        try (OpenAiServer s = OpenAiServer.start(served, ServeFixture.settings().build())) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + s.port() + "/v1").apiKey("none").build();
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("nano")
                    .addUserMessage("What is 2 + 3?").temperature(1.0).seed(7).maxCompletionTokens(12).build());
            assertThat(c.choices().get(0).finishReason().asString()).isIn("stop", "length");
            return c.choices().get(0).message().content().orElse("") + "|" + c.usage().orElseThrow().completionTokens();
        }
    }

    @Test
    void servesTheEightBitModel() throws Exception {
        Path dir = ServeFixture.model(tmp.resolve("m"));
        OpenAiServer.Served q8 = OpenAiServer.Served.load(dir, Map.of(), FrozenDtype.Q8);
        assertThat(((Transformer) q8.model()).tensors().get("model.layers.0.self_attn.o_proj.weight").packed().isQ8()).isTrue();
        assertThat(reply(q8)).as("the same request twice").isEqualTo(reply(OpenAiServer.Served.load(dir, Map.of(), FrozenDtype.Q8)));
    }
}
