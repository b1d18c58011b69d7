package r1j.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.tensor.FrozenDtype;
import r1j.tensor.Gemm;
import r1j.tokenizer.Tokenizer;

/**
 * 8-bit generation by either route — a model loaded with --frozen-dtype q8, or a float32 model sampled by a Q8
 * generator (GRPO's 8-bit rollouts) — samples the same tokens with the same log-probs on a dense model (on MLA and
 * MoE models the loaded route keeps kv_b_proj and the router in float32, as compact loading does, where the scope
 * quantises every product), and not those of the model as stored; the stored route is untouched by the other.
 */
class EightBitGenerationTest {
    @TempDir
    Path tmp;

    private static List<Completion> sample(Transformer m, Tokenizer tok, FrozenDtype dtype) {
        int[] prompt = tok.encode("What is 17 + 25?", false);
        return new Generator(m, tok, 4, dtype).generate(new int[0], List.of(new Generator.Request(prompt, 7)), 3,
                SamplingParams.sample(1f, 1f, 16), null).get(0);
    }

    @Test
    void bothRoutesSampleTheSameEightBitModel() throws Exception {
        Path tokDir = tmp.resolve("tokenizer"), dir = tmp.resolve("model");
        r1j.bench.TokenizerBench.worldTokenizer().save(tokDir);
        assertThat(r1j.cli.Main.run("init", "--preset", "nano-student", "--tokenizer", tokDir.toString(), "--out",
                dir.toString())).isZero();
        Tokenizer tok = Tokenizer.load(dir);
        Transformer stored = Checkpoint.loadFrozen(dir, null), q8 = Checkpoint.loadFrozen(dir, null, FrozenDtype.Q8);
        Gemm.PackedB head = q8.tensors().get("model.embed_tokens.weight").packed();
        assertThat(head).as("loaded as 8-bit blocks").isNotNull();
        assertThat(head.isQ8()).isTrue();
        List<Completion> a = sample(q8, tok, FrozenDtype.STORED), b = sample(stored, tok, FrozenDtype.Q8);
        List<Completion> s1 = sample(stored, tok, FrozenDtype.STORED), s2 = sample(stored, tok, FrozenDtype.STORED);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).tokens()).containsExactly(a.get(i).tokens());
            assertThat(b.get(i).modelLogprobs()).containsExactly(a.get(i).modelLogprobs());
            assertThat(s2.get(i).modelLogprobs()).as("the stored route after a Q8 one").containsExactly(s1.get(i).modelLogprobs());
        }
        double apart = 0;
        for (int t = 0; t < a.get(0).tokens().length && t < s1.get(0).tokens().length; t++) {
            apart = Math.max(apart, Math.abs(a.get(0).modelLogprobs()[t] - s1.get(0).modelLogprobs()[t]));
        }
        assertThat(apart).as("8-bit weights are not the stored ones").isGreaterThan(1e-4);
    }
}
