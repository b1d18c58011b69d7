package r1j.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.model.ParameterShapes;
import r1j.tensor.Softmax;
import r1j.tensor.Tensor;
import r1j.tokenizer.BpeTrainer;
import r1j.tokenizer.Tokenizer;

/** The generator against full recomputation, across batch compositions, and its stop rules. */
class GeneratorTest {
    static Tokenizer tok;
    static Transformer model;
    static int eos;

    @BeforeAll
    static void setUp() {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) corpus.add("What is " + (i % 10) + " + " + (i % 7) + "? <think> it is " + (i % 10 + i % 7) + " </think>");
        tok = BpeTrainer.train(corpus, 300);
        model = Transformer.init(Presets.get("nano").withVocabSize(tok.vocabSize()), 3);
        // Larger weights than the initialisation so the distribution is far from uniform.
        for (var e : model.tensors().entrySet()) {
            if (ParameterShapes.isRandomInit(e.getKey())) for (int i = 0; i < e.getValue().numel(); i++) e.getValue().data[i] *= 40f;
        }
        eos = tok.eosId();
    }

    private static int[] enc(String s) {
        return tok.encode(s, false);
    }

    @Test
    void greedyCachedGenerationEqualsRecomputingTheWholeSequence() {
        int[] prefix = enc("What is"), prompt = enc(" 3 + 4?");
        Generator g = new Generator(model, tok, 4);
        Completion c = g.generate(prefix, List.of(new Generator.Request(prompt, 1)), 1, SamplingParams.greedy(24), null).get(0).get(0);
        List<Integer> seq = new ArrayList<>();
        for (int t : prefix) seq.add(t);
        for (int t : prompt) seq.add(t);
        int v = model.config().vocab_size();
        for (int step = 0; step < c.tokens().length; step++) {
            int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
            Tensor lg = model.forward(ids, 1, ids.length);
            int best = 0;
            for (int i = 1; i < v; i++) if (lg.data[(ids.length - 1) * v + i] > lg.data[(ids.length - 1) * v + best]) best = i;
            assertThat(c.tokens()[step]).as("step %d", step).isEqualTo(best);
            seq.add(best);
        }
        assertThat(c.tokens()).hasSize(24);
        assertThat(c.finish()).isEqualTo(Completion.Finish.LENGTH);
    }

    @Test
    void modelLogprobsAgreeWithTeacherForcedRecomputation() {
        int[] prefix = enc("What is"), prompt = enc(" 5 + 2?");
        Generator g = new Generator(model, tok, 8);
        Completion c = g.generate(prefix, List.of(new Generator.Request(prompt, 9)), 1,
                SamplingParams.sample(1f, 1f, 20), null).get(0).get(0);
        int[] all = new int[prefix.length + prompt.length + c.tokens().length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(prompt, 0, all, prefix.length, prompt.length);
        System.arraycopy(c.tokens(), 0, all, prefix.length + prompt.length, c.tokens().length);
        int[] targets = new int[all.length];
        for (int i = 0; i < all.length; i++) targets[i] = i + 1 < all.length ? all[i + 1] : -1;
        float[] lp = Softmax.tokenLogProbs(model.forward(all, 1, all.length), targets).data;
        int start = prefix.length + prompt.length - 1;
        for (int t = 0; t < c.tokens().length; t++) {
            assertThat(c.modelLogprobs()[t]).as("token %d", t).isCloseTo(lp[start + t], offset(1e-5f));
            // At temperature 1 with no truncation the sampling distribution is the model's.
            assertThat(c.sampleLogprobs()[t]).isCloseTo(c.modelLogprobs()[t], offset(1e-4f));
        }
    }

    @Test
    void seededSamplesDoNotDependOnBatchComposition() {
        SamplingParams p = SamplingParams.builder().temperature(0.9f).topP(0.95f).topK(50)
                .minP(0.01f).repetitionPenalty(1.1f).maxNewTokens(16).stopStrings(List.of())
                .stopTokens(new int[] {eos}).build();
        int[] prefix = enc("What is");
        Generator.Request a = new Generator.Request(enc(" 1 + 1?"), 42);
        Generator.Request b = new Generator.Request(enc(" 9 + 8 + 7?"), 7);
        Generator.Request c = new Generator.Request(enc(" 6?"), 8);
        List<Completion> alone = new Generator(model, tok, 1).generate(prefix, List.of(a), 3, p, null).get(0);
        List<List<Completion>> mixed = new Generator(model, tok, 5).generate(prefix, List.of(b, a, c), 3, p, null);
        for (int s = 0; s < 3; s++) assertThat(mixed.get(1).get(s).tokens()).containsExactly(alone.get(s).tokens());
        // The samples of one prompt differ from each other.
        assertThat(alone.get(0).tokens()).isNotEqualTo(alone.get(1).tokens());
        List<Completion> again = new Generator(model, tok, 3).generate(prefix, List.of(a), 3, p, null).get(0);
        for (int s = 0; s < 3; s++) assertThat(again.get(s).tokens()).containsExactly(alone.get(s).tokens());
    }

    @Test
    void stopTokensAndStopStringsEndACompletion() {
        Generator g = new Generator(model, tok, 4);
        Completion free = g.generate(enc("What is"), List.of(new Generator.Request(enc(" 2?"), 3)), 1,
                SamplingParams.greedy(12), null).get(0).get(0);
        int stopTok = free.tokens()[3];
        Completion byToken = g.generate(enc("What is"), List.of(new Generator.Request(enc(" 2?"), 3)), 1,
                SamplingParams.greedy(12, stopTok), null).get(0).get(0);
        assertThat(byToken.finish()).isEqualTo(Completion.Finish.STOP);
        assertThat(byToken.tokens()).hasSizeLessThanOrEqualTo(4);
        assertThat(byToken.tokens()[byToken.tokens().length - 1]).isEqualTo(stopTok);
        String stop = free.text().substring(Math.min(3, free.text().length() - 1), Math.min(5, free.text().length()));
        Completion byString = g.generate(enc("What is"), List.of(new Generator.Request(enc(" 2?"), 3)), 1,
                SamplingParams.greedy(12).withStopStrings(List.of(stop)), null).get(0).get(0);
        assertThat(byString.finish()).isEqualTo(Completion.Finish.STOP);
        assertThat(byString.text()).isEqualTo(free.text().substring(0, free.text().indexOf(stop)));
    }

    @Test
    void samplerFollowsTheDistributionAndItsTruncations() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        SplittableRandom rng = new SplittableRandom(1);
        int[] counts = new int[3];
        SamplingParams plain = SamplingParams.sample(1f, 1f, 1);
        for (int i = 0; i < 40_000; i++) counts[Sampler.pick(logits, 0, 3, plain, new int[0], 0, rng).token()]++;
        assertThat(counts[0] / 40_000.0).isCloseTo(0.5, offset(0.01));
        assertThat(counts[1] / 40_000.0).isCloseTo(0.3, offset(0.01));
        SamplingParams nucleus = SamplingParams.sample(1f, 0.6f, 1);
        Sampler.Pick p = null;
        for (int i = 0; i < 1000; i++) {
            p = Sampler.pick(logits, 0, 3, nucleus, new int[0], 0, rng);
            assertThat(p.token()).isNotEqualTo(2);
        }
        float expected = (float) Math.log(p.token() == 0 ? 0.625 : 0.375);
        assertThat(p.sampleLogprob()).isCloseTo(expected, offset(1e-5f));
        assertThat(p.modelLogprob()).isCloseTo(logits[p.token()], offset(1e-5f));
        SamplingParams minP = SamplingParams.builder().temperature(1f).topP(1f).topK(0).minP(0.5f)
                .repetitionPenalty(1f).maxNewTokens(1).stopStrings(List.of()).stopTokens(new int[0]).build();
        for (int i = 0; i < 500; i++) assertThat(Sampler.pick(logits, 0, 3, minP, new int[0], 0, rng).token()).isIn(0, 1);
        SamplingParams top1 = SamplingParams.builder().temperature(1f).topP(1f).topK(1).minP(0f)
                .repetitionPenalty(1f).maxNewTokens(1).stopStrings(List.of()).stopTokens(new int[0]).build();
        assertThat(Sampler.pick(logits, 0, 3, top1, new int[0], 0, rng).token()).isZero();
        // A repetition penalty of 10 on token 0 makes token 1 the greedy choice.
        SamplingParams rep = SamplingParams.builder().temperature(0f).topP(1f).topK(0).minP(0f)
                .repetitionPenalty(10f).maxNewTokens(1).stopStrings(List.of()).stopTokens(new int[0]).build();
        float[] pos = {2f, 1.5f, 0f};
        assertThat(Sampler.pick(pos, 0, 3, rep, new int[] {0}, 1, rng).token()).isEqualTo(1);
    }

    /** A client that records its text, its end, and cancels itself after a number of deltas (0: never). */
    static final class Recorder implements ServingLoop.Client {
        final java.util.concurrent.CompletableFuture<List<Completion>> result = new java.util.concurrent.CompletableFuture<>();
        final StringBuilder[] text;
        final int cancelAfter;
        final Runnable onFirstText;
        int deltas;

        Recorder(int samples, int cancelAfter, Runnable onFirstText) {
            text = new StringBuilder[samples];
            for (int i = 0; i < samples; i++) text[i] = new StringBuilder();
            this.cancelAfter = cancelAfter;
            this.onFirstText = onFirstText;
        }

        @Override
        public void onText(int sample, String delta) {
            if (deltas++ == 0 && onFirstText != null) onFirstText.run();
            text[sample].append(delta);
        }

        @Override
        public void onDone(List<Completion> completions) {
            result.complete(completions);
        }

        @Override
        public void onFailed(Throwable cause) {
            result.completeExceptionally(cause);
        }

        @Override
        public boolean cancelled() {
            return cancelAfter > 0 && deltas >= cancelAfter;
        }
    }

    /**
     * Continuous batching: a request that joins while others decode (submitted when the first one streams its first
     * text), and each with its own sampling, gets exactly the completions it gets alone, and its streamed text equals
     * its final text; a request whose client goes away is dropped without a callback and without disturbing the others.
     */
    @Test
    void requestsJoiningWhileOthersDecodeGetTheirOwnCompletions() throws Exception {
        SamplingParams hot = SamplingParams.builder().temperature(1f).topP(1f).topK(0).minP(0f)
                .repetitionPenalty(1f).maxNewTokens(12).stopStrings(List.of()).stopTokens(new int[] {eos}).build();
        SamplingParams greedy = SamplingParams.greedy(9, eos);
        int[] a = enc("What is 3 + 4?"), b = enc("What is 1 + 2?"), c = enc("What is 5 + 6?");
        List<Completion> aloneA = new Generator(model, tok, 8).generate(new int[0], List.of(new Generator.Request(a, 11)), 2, hot, null).get(0);
        List<Completion> aloneC = new Generator(model, tok, 8).generate(new int[0], List.of(new Generator.Request(c, 13)), 1, greedy, null).get(0);

        ServingLoop loop = new ServingLoop(new Generator(model, tok, 8), false);
        Recorder rc = new Recorder(1, 0, null);
        Recorder ra = new Recorder(2, 0, () -> loop.submit(new ServingLoop.Admission(c, 13, 1, greedy, r1j.tensor.LowRank.BASE, rc)));
        Recorder rb = new Recorder(1, 3, null);
        loop.submit(new ServingLoop.Admission(a, 11, 2, hot, r1j.tensor.LowRank.BASE, ra));
        loop.submit(new ServingLoop.Admission(b, 12, 1, hot, r1j.tensor.LowRank.BASE, rb));
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                loop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Completion> gotA = ra.result.get(), gotC = rc.result.get();
        loop.close();
        t.join();
        for (int i = 0; i < 2; i++) {
            assertThat(gotA.get(i).tokens()).containsExactly(aloneA.get(i).tokens());
            assertThat(ra.text[i].toString()).isEqualTo(gotA.get(i).text());
        }
        assertThat(gotC.get(0).tokens()).containsExactly(aloneC.get(0).tokens());
        assertThat(gotC.get(0).text()).isEqualTo(aloneC.get(0).text());
        assertThat(rb.result).isNotDone();
        assertThat(loop.stats().cancelled()).isEqualTo(1);
        assertThat(loop.stats().completed()).isEqualTo(2);
    }
}
