package r1j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** r1j's own tokenizer: training, round trips, atomic special tokens, numbers as single tokens, save/load. */
class TokenizerTest {
    static Tokenizer tok;

    @BeforeAll
    static void train() {
        List<String> corpus = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 3000; i++) {
            int a = r.nextInt(10), b = r.nextInt(10), c = r.nextInt(100);
            corpus.add("<think> " + a + " * " + b + " = " + (a * b) + ", " + c + " + " + a + " = " + (a + c)
                    + " </think> <answer> " + (a + c) + " </answer>");
            corpus.add("¿Cuánto es " + a + " más " + b + "? Son " + (a + b) + ". What is " + c + " minus " + a + "?");
        }
        tok = BpeTrainer.train(corpus, 600);
    }

    @Test
    void specialTokensHaveFixedIdsAndAreNeverSplit() {
        assertThat(tok.requireId(SpecialTokens.BOS)).isZero();
        assertThat(tok.requireId(SpecialTokens.EOS)).isEqualTo(1);
        assertThat(tok.bosId()).isZero();
        assertThat(tok.eosId()).isEqualTo(1);
        int[] ids = tok.encode("x<think>y</think><answer>| special_token |<｜User｜>", false);
        assertThat(ids).contains(tok.requireId("<think>"), tok.requireId("</think>"), tok.requireId("<answer>"),
                tok.requireId(SpecialTokens.SPECIAL), tok.requireId(SpecialTokens.USER));
        // Text that merely resembles a marker is ordinary text.
        assertThat(tok.encode("<thin k>", false)).doesNotContain(tok.requireId("<think>"));
        assertThat(tok.encode("hi", true)[0]).isZero();
        assertThat(tok.decode(new int[] {0, tok.encode("a", false)[0], 1}, true)).isEqualTo("a");
        assertThat(tok.decode(new int[] {0, tok.encode("a", false)[0], 1}, false))
                .isEqualTo(SpecialTokens.BOS + "a" + SpecialTokens.EOS);
    }

    @Test
    void numbersUpToThreeDigitsBecomeOneTokenAndLongerRunsSplitInThrees() {
        for (String n : new String[] {"7", " 7", " 14", " 56", " 99"}) assertThat(tok.encode(n, false)).as(n).hasSize(1);
        // Digit runs are cut into groups of up to three before BPE (as DeepSeek-V3's pre-tokenizer does).
        assertThat(tok.decode(tok.encode("1234567", false), false)).isEqualTo("1234567");
        assertThat(tok.encode("1234567", false).length).isGreaterThanOrEqualTo(3);
        // A short arithmetic solution is a handful of tokens, not one per character.
        assertThat(tok.encode(" 3 * 4 = 12, 2 + 12 = 14", false)).hasSize(11);
    }

    @Test
    void roundTripsArbitraryUnicode() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(30);
            for (int j = 0; j < n; j++) {
                int cp;
                do {
                    cp = switch (r.nextInt(4)) {
                        case 0 -> 32 + r.nextInt(95);
                        case 1 -> 0xA0 + r.nextInt(0x2000);
                        case 2 -> 0x4E00 + r.nextInt(0x5000);
                        default -> 0x1F300 + r.nextInt(0x300);
                    };
                } while (Character.isSurrogate((char) cp) && cp < 0x10000);
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertThat(tok.decode(tok.encode(s, false), false)).isEqualTo(s);
        }
        String mixed = "Ünïcödé 深度求索 مرحبا 🤖👍🏽\t\n\r  end";
        assertThat(tok.decode(tok.encode(mixed, false), false)).isEqualTo(mixed);
    }

    @Test
    void loneSurrogatesAndInvalidBytesAreReplacedNotFatal() {
        // A lone surrogate is not Unicode text: it is encoded as '?' (Java's UTF-8 encoder), never an exception.
        assertThat(tok.decode(tok.encode("a\uD800b", false), false)).isEqualTo("a?b");
        // A token sequence that cuts a multi-byte character decodes with U+FFFD, as Hugging Face's decoder does.
        int[] euro = tok.encode("€", false);
        if (euro.length > 1) assertThat(tok.decode(new int[] {euro[0]}, false)).contains("\uFFFD");
    }

    @Test
    void savesAndLoadsAsTokenizerJson(@TempDir Path dir) throws Exception {
        tok.save(dir);
        Tokenizer back = Tokenizer.load(dir);
        assertThat(back.vocabSize()).isEqualTo(tok.vocabSize());
        String s = "<think> 7 * 8 = 56 </think> <answer> 56 </answer> ¿Cuánto es 3 más 4?";
        assertThat(back.encode(s, true)).containsExactly(tok.encode(s, true));
        assertThat(back.configToken("eos_token")).isEqualTo(SpecialTokens.EOS);
    }

    @Test
    void templatesRenderTheR1ZeroPromptVerbatim() {
        assertThat(Templates.R1_ZERO.render("What is 2 + 3 * 4?")).isEqualTo("A conversation between User and Assistant. "
                + "The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning "
                + "process in the mind and then provides the user with the answer. The reasoning process and answer are "
                + "enclosed within <think> </think> and <answer> </answer> tags respectively, i.e., <think> reasoning "
                + "process here </think> <answer> answer here </answer>. User: What is 2 + 3 * 4?. Assistant:");
        assertThat(Templates.CHAT.render("Hi")).isEqualTo("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>");
        int[] p = Templates.R1_ZERO.encodePrompt(tok, "What is 2 + 3 * 4?");
        int[] prefix = tok.encode(Templates.R1_ZERO_PREFIX, false);
        for (int i = 0; i < prefix.length; i++) assertThat(p[i]).isEqualTo(prefix[i]);
        assertThat(tok.decode(p, false)).isEqualTo(Templates.R1_ZERO.render("What is 2 + 3 * 4?"));
    }
}
