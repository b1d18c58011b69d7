package r1j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * r1j's tokenizer against Hugging Face's own tokenizers library on the real DeepSeek-V3 and Qwen3 tokenizer.json
 * files: fixed vectors over varied text, then a randomized comparison on generated strings.
 */
class TokenizerParityTest {
    static final List<String> TEXTS = List.of(
            "What is 2 + 3 * 4?",
            "¿Cuánto es (7 - 2) * 3 + 4? Ana compra 3 libros a 4 euros.",
            "The year 2024 had 366 days; 1234567 and 3.14159, -42, 1,400/100 and 0.1 + 0.2.",
            "def f(x):\n    return x**2  # square\n\n\tprint(f(3))",
            "I'm sure they'll say it's fine, you've done it, we'd know, I'd've.",
            "深度求索的模型很强大。日本語のテキストとカタカナ、ひらがな。",
            "مرحبا بالعالم، كيف حالك؟",
            "Emoji 🤖👍🏽 and flags 🇪🇸 and a family 👨‍👩‍👧",
            "   leading spaces, trailing   \n\n\n multiple newlines\r\n and tabs\t\t.",
            "<think> 3 * 4 = 12, 2 + 12 = 14 </think> <answer> 14 </answer>",
            "<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜><think>\nhmm</think>ok<｜end▁of▁sentence｜>",
            "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
            "Ünïcödé àccents: café, naïve, résumé, Ångström; combining: e\u0301 a\u0308",
            "",
            " ",
            "x");

    private static void compare(String name, List<String> texts) throws Exception {
        Path dir = RealTokenizers.dir(name);
        Tokenizer ours = Tokenizer.load(dir);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "false"))) {
            for (String t : texts) {
                Encoding e = hf.encode(t, false, false);
                long[] ref = e.getIds();
                int[] got = ours.encode(t, false);
                long[] gotL = new long[got.length];
                for (int i = 0; i < got.length; i++) gotL[i] = got[i];
                assertThat(gotL).as("%s: %s", name, t).containsExactly(ref);
                assertThat(ours.decode(got, false)).as("%s decode: %s", name, t).isEqualTo(hf.decode(ref, false));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek_v3", "qwen3"})
    void fixedVectorsMatchHuggingFace(String name) throws Exception {
        compare(name, TEXTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek_v3", "qwen3"})
    void randomStringsMatchHuggingFace(String name) throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        String[] pool = {"a", "b", "Z", " ", "  ", "\n", "\t", "1", "23", "456", "7890", ".", ",", "'s", "'T", "!", "?",
            "é", "ñ", "ß", "中", "文", "か", "カ", "ا", "ل", "🙂", "👍🏽", "\u0301", "<think>", "</answer>", "-", "_", "(",
            ")", "$", "€", "\r\n", "Hello", " world", "don't", "ÅB", "٣", "½", "Ⅻ", "\u00a0", "\u3000"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(25);
            for (int j = 0; j < n; j++) sb.append(pool[r.nextInt(pool.length)]);
            texts.add(sb.toString());
        }
        compare(name, texts);
    }
}
