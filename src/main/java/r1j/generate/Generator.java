package r1j.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import r1j.model.KvCache;
import r1j.model.LanguageModel;
import r1j.tensor.LowRank;
import r1j.tensor.FrozenDtype;
import r1j.tensor.PackedWeights;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;
import r1j.tokenizer.Tokenizer;

/**
 * Batched sampling with per-sequence KV caches (MLA's latent cache for DeepSeek models) and continuous batching:
 * up to maxBatch sequences decode together, one token each per step, and a finished sequence's slot goes to the
 * next waiting prompt at once.
 *
 * <p>Prefix sharing, which dominates the cost of a GRPO step otherwise: a constant prefix (the R1-Zero template) is
 * run once per call and its cache forked for every prompt; each prompt is run once and its cache forked for its
 * samples. Each sample draws from its own generator, seeded from the request's seed and the sample's index, and the
 * model computes every row independently of the others ({@link r1j.tensor.Gemm}), so a seeded sample is the same
 * whatever batch it decodes in.
 *
 * <p>Streamed text is held back while it could still be the start of a stop string or of an incomplete UTF-8
 * character, so the concatenated deltas always equal the final text. Continuous batching for a server is
 * {@link ServingLoop}.
 */
public final class Generator {
    /** A prompt (token ids after the shared prefix) and the seed of its samples. */
    public record Request(int[] tokens, long seed) implements java.io.Serializable {}

    /** Streaming: text as it is produced, per (request, sample). */
    public interface Listener {
        void onText(int request, int sample, String delta);
    }

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final FrozenDtype dtype;

    /** tokenizer may be null when only token ids are wanted (no text, no stop strings). */
    public Generator(LanguageModel model, Tokenizer tokenizer, int maxBatch) {
        this(model, tokenizer, maxBatch, FrozenDtype.STORED);
    }

    /**
     * A generator whose products read the model's weights in dtype while it samples ({@link PackedWeights#open(FrozenDtype)}):
     * with Q8, 8-bit copies of float32 and 16-bit weights alike (GRPO's rollouts with --frozen-dtype q8).
     */
    public Generator(LanguageModel model, Tokenizer tokenizer, int maxBatch, FrozenDtype dtype) {
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be ≥ 1");
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.dtype = dtype;
    }

    int maxBatch() {
        return maxBatch;
    }

    LanguageModel model() {
        return model;
    }

    /** One sample being decoded. */
    final class Seq {
        final int request, sample;
        /** The served adapter slot its rows are routed to ({@link LowRank#BASE}: none), when adapters are routed. */
        final int adapter;
        final KvCache cache;
        final SplittableRandom rng;
        final int[] seen;
        int seenCount;
        final int[] out;
        final float[] sampleLp, modelLp;
        int n;
        float[] logits;
        int logitsOff;
        String text = "";
        /** The text given to the listener so far: a prefix of text. */
        String emitted = "";
        Completion.Finish finish;
        /** This sequence's sampling and streaming (requests decoded together may differ in both). */
        final SamplingParams p;
        final Listener listener;

        Seq(Prompt q, int sample, KvCache cache, int[] context) {
            SamplingParams p = q.p();
            long seed = q.seed();
            int maxNew = p.maxNewTokens();
            this.p = p;
            this.listener = q.listener();
            this.request = q.request();
            this.adapter = q.adapter();
            this.sample = sample;
            this.cache = cache;
            this.rng = new SplittableRandom(r1j.tensor.Seeds.mix(seed, sample));
            this.seen = Arrays.copyOf(context, context.length + maxNew);
            this.seenCount = context.length;
            this.out = new int[maxNew];
            this.sampleLp = new float[maxNew];
            this.modelLp = new float[maxNew];
        }

        Completion completion() {
            return new Completion(Arrays.copyOf(out, n), text, Arrays.copyOf(sampleLp, n), Arrays.copyOf(modelLp, n), finish);
        }
    }

    /**
     * samples completions of one prompt written in a template (its constant part computed once as the shared prefix),
     * sampled as p from the seed; the listener (or null) gets the text as it is produced.
     */
    public List<Completion> complete(r1j.tokenizer.PromptFormat template, String prompt, int samples, SamplingParams p,
                                     long seed, Listener listener) {
        if (tokenizer == null) throw new IllegalStateException("complete needs a tokenizer");
        int[] prefix = tokenizer.encode(template.constantPrefix(), false);
        int[] rest = tokenizer.encode(template.variablePart(prompt), false);
        return generate(prefix, List.of(new Request(rest, seed)), samples, p, listener).get(0);
    }

    /** samples completions for each request, in request order; the shared prefix may be empty. */
    public List<List<Completion>> generate(int[] sharedPrefix, List<Request> requests, int samples, SamplingParams p,
                                           Listener listener) {
        try (var packed = PackedWeights.open(dtype)) {
            return run(sharedPrefix, requests, samples, p, listener);
        }
    }

    private List<List<Completion>> run(int[] sharedPrefix, List<Request> requests, int samples, SamplingParams p,
                                       Listener listener) {
        int vocab = model.config().vocab_size();
        int longest = 0;
        for (Request r : requests) {
            longest = Math.max(longest, r.tokens().length);
            if (r.tokens().length == 0 && sharedPrefix.length == 0) throw new IllegalArgumentException("empty prompt");
            for (int t : r.tokens()) if (t < 0 || t >= vocab) throw new IllegalArgumentException("prompt token " + t + " outside the vocabulary");
        }
        int capacity = sharedPrefix.length + longest + p.maxNewTokens();
        KvCache prefix = model.newCache(capacity);
        float[] prefixLogits = null;
        if (sharedPrefix.length > 0) {
            Tensor lg = model.extendLast(new KvCache[] {prefix}, new int[][] {sharedPrefix});
            prefixLogits = Arrays.copyOf(lg.data, vocab);
            lg.releaseGraph();
        }
        Completion[][] results = new Completion[requests.size()][samples];
        List<Seq> active = new ArrayList<>();
        int next = 0;
        while (next < requests.size() || !active.isEmpty()) {
            List<Integer> admit = new ArrayList<>();
            while (next < requests.size() && (active.size() + (admit.size() + 1) * samples <= maxBatch
                    || (active.isEmpty() && admit.isEmpty()))) {
                admit.add(next++);
            }
            List<Prompt> prompts = new ArrayList<>();
            for (int r : admit) prompts.add(new Prompt(r, requests.get(r).tokens(), requests.get(r).seed(), samples, p, listener, LowRank.BASE));
            if (!prompts.isEmpty()) active.addAll(prefill(prompts, sharedPrefix, prefix, prefixLogits, false));
            List<Seq> running = new ArrayList<>();
            for (Seq s : decodeStep(active, vocab)) results[s.request][s.sample] = s.completion();
            for (Seq s : active) if (s.finish == null) running.add(s);
            active = running;
            advance(active, false);
        }
        List<List<Completion>> out = new ArrayList<>();
        for (Completion[] r : results) out.add(List.of(r));
        return out;
    }

    /**
     * A prompt to decode: its id for the caller, tokens after the shared prefix, seed, samples, sampling, streaming,
     * and the adapter slot its rows are routed to.
     */
    record Prompt(int request, int[] tokens, long seed, int samples, SamplingParams p, Listener listener, int adapter) {}

    /**
     * Runs the prompts after the shared prefix, batched, and forks each prompt's cache for its samples: the new
     * sequences, ready to sample. With routed, each prompt's rows go through its own adapter slot.
     */
    List<Seq> prefill(List<Prompt> prompts, int[] sharedPrefix, KvCache prefix, float[] prefixLogits, boolean routed) {
        int vocab = model.config().vocab_size();
        KvCache[] caches = new KvCache[prompts.size()];
        int[][] toks = new int[prompts.size()][];
        int[] adapters = routed ? new int[prompts.size()] : null;
        for (int i = 0; i < caches.length; i++) {
            caches[i] = prefix.fork();
            toks[i] = prompts.get(i).tokens();
            if (routed) adapters[i] = prompts.get(i).adapter();
        }
        float[] lg = extend(caches, toks, adapters);
        List<Seq> added = new ArrayList<>();
        for (int i = 0; i < caches.length; i++) {
            Prompt q = prompts.get(i);
            float[] logits = toks[i].length == 0 ? prefixLogits : lg;
            int off = toks[i].length == 0 ? 0 : i * vocab;
            int[] context = new int[sharedPrefix.length + toks[i].length];
            System.arraycopy(sharedPrefix, 0, context, 0, sharedPrefix.length);
            System.arraycopy(toks[i], 0, context, sharedPrefix.length, toks[i].length);
            for (int s = 0; s < q.samples(); s++) {
                KvCache c = s == q.samples() - 1 ? caches[i] : caches[i].fork();
                Seq seq = new Seq(q, s, c, context);
                seq.logits = logits;
                seq.logitsOff = off;
                added.add(seq);
            }
        }
        return added;
    }

    /** Samples one token for every active sequence; returns those that finished. */
    private List<Seq> decodeStep(List<Seq> active, int vocab) {
        boolean streaming = false;
        for (Seq s : active) streaming |= s.listener != null;
        if (!streaming) {
            // Each sequence samples from its own generator: steps are independent and may run in parallel.
            Parallel.range(active.size(), 4, (c, lo, hi) -> {
                for (int i = lo; i < hi; i++) step(active.get(i), vocab);
            });
        } else {
            for (Seq s : active) step(s, vocab);
        }
        List<Seq> done = new ArrayList<>();
        for (Seq s : active) if (s.finish != null) done.add(s);
        return done;
    }

    /** Feeds every active sequence its last token, batched, so each has its next logits (through its own adapter when routed). */
    void advance(List<Seq> active, boolean routed) {
        if (active.isEmpty()) return;
        int vocab = model.config().vocab_size();
        KvCache[] caches = new KvCache[active.size()];
        int[][] toks = new int[active.size()][];
        int[] adapters = routed ? new int[active.size()] : null;
        for (int i = 0; i < caches.length; i++) {
            caches[i] = active.get(i).cache;
            toks[i] = new int[] {active.get(i).out[active.get(i).n - 1]};
            if (routed) adapters[i] = active.get(i).adapter;
        }
        float[] lg = extend(caches, toks, adapters);
        for (int i = 0; i < caches.length; i++) {
            active.get(i).logits = lg;
            active.get(i).logitsOff = i * vocab;
        }
    }

    /**
     * Runs model.extend with the sequences split into one contiguous group per thread, each group a whole forward
     * pass on its own core. A decoding step is a hundred small ops on a few dozen rows; splitting every op across
     * threads would pay a hand-off per op, splitting the sequences pays one per step. Rows do not depend on each
     * other, so the logits are the same bits either way. With adapters (one slot per sequence), each sequence's rows
     * go through its own ({@link LowRank#routed}). Returns each sequence's next-token logits (those of its last new
     * token: the LM head runs on no other row), in sequence order.
     */
    private float[] extend(KvCache[] caches, int[][] toks, int[] adapters) {
        int groups = Parallel.chunks(caches.length, 8);
        if (groups <= 1) return extendGroup(caches, toks, adapters, 0, caches.length);
        int vocab = model.config().vocab_size();
        float[] out = new float[caches.length * vocab];
        Parallel.split(caches.length, groups, (c, lo, hi) -> {
            float[] part = extendGroup(caches, toks, adapters, lo, hi);
            System.arraycopy(part, 0, out, lo * vocab, (hi - lo) * vocab);
        });
        return out;
    }

    /** The logits of sequences [lo, hi), their rows routed to their adapters when adapters is not null. */
    private float[] extendGroup(KvCache[] caches, int[][] toks, int[] adapters, int lo, int hi) {
        KvCache[] c = lo == 0 && hi == caches.length ? caches : Arrays.copyOfRange(caches, lo, hi);
        int[][] t = lo == 0 && hi == toks.length ? toks : Arrays.copyOfRange(toks, lo, hi);
        if (adapters == null) return model.extendLast(c, t).data;
        int rows = 0;
        for (int[] x : t) rows += x.length;
        int[] route = new int[rows];
        for (int i = lo, r = 0; i < hi; i++) for (int j = 0; j < toks[i].length; j++) route[r++] = adapters[i];
        return LowRank.routed(route, () -> model.extendLast(c, t).data);
    }

    /** Samples one token for s, decides whether s is finished, and streams what of its text is settled. */
    void step(Seq s, int vocab) {
        SamplingParams p = s.p;
        Sampler.Pick pick = Sampler.pick(s.logits, s.logitsOff, vocab, p, s.seen, s.seenCount, s.rng);
        s.out[s.n] = pick.token();
        s.sampleLp[s.n] = pick.sampleLogprob();
        s.modelLp[s.n] = pick.modelLogprob();
        s.n++;
        s.seen[s.seenCount++] = pick.token();
        s.logits = null;
        if (p.isStopToken(pick.token())) {
            // The text stays that of the tokens before the stop token.
            s.finish = Completion.Finish.STOP;
            stream(s, s.text, s.text.length());
            return;
        }
        if (tokenizer == null) {
            // Token ids only (benchmarks): no text, no stop strings.
            if (s.n >= p.maxNewTokens()) s.finish = Completion.Finish.LENGTH;
            return;
        }
        String text = tokenizer.decode(Arrays.copyOf(s.out, s.n), true);
        for (String stop : p.stopStrings()) {
            int at = text.indexOf(stop);
            if (at >= 0) {
                text = text.substring(0, at);
                s.finish = Completion.Finish.STOP;
            }
        }
        if (s.finish == null && s.n >= p.maxNewTokens()) s.finish = Completion.Finish.LENGTH;
        // An unfinished text ending in an incomplete UTF-8 character keeps the last whole one.
        if (!text.endsWith("\uFFFD") || s.finish != null) s.text = text;
        stream(s, text, s.finish != null ? text.length() : StreamHoldback.settled(text, p.stopStrings()));
    }

    /** Gives the listener text[emitted, settled): what it has not had yet of the part that can no longer change. */
    private static void stream(Seq s, String text, int settled) {
        if (s.listener == null || settled <= s.emitted.length() || !text.startsWith(s.emitted)) return;
        String delta = text.substring(s.emitted.length(), settled);
        s.emitted = text.substring(0, settled);
        s.listener.onText(s.request, s.sample, delta);
    }
}
