package r1j.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import r1j.model.KvCache;
import r1j.model.Transformer;
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
 */
public final class Generator {
    /** A prompt (token ids after the shared prefix) and the seed of its samples. */
    public record Request(int[] tokens, long seed) implements java.io.Serializable {}

    /** Streaming: text as it is produced, per (request, sample). */
    public interface Listener {
        void onText(int request, int sample, String delta);
    }

    private final Transformer model;
    private final Tokenizer tokenizer;
    private final int maxBatch;

    /** tokenizer may be null when only token ids are wanted (no text, no stop strings). */
    public Generator(Transformer model, Tokenizer tokenizer, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be ≥ 1");
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
    }

    private final class Seq {
        final int request, sample;
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
        Completion.Finish finish;
        /** This sequence's sampling and streaming (requests decoded together may differ in both). */
        final SamplingParams p;
        final Listener listener;

        Seq(int request, int sample, KvCache cache, long seed, int[] context, SamplingParams p, Listener listener) {
            int maxNew = p.maxNewTokens();
            this.p = p;
            this.listener = listener;
            this.request = request;
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

    /** samples completions for each request, in request order; the shared prefix may be empty. */
    public List<List<Completion>> generate(int[] sharedPrefix, List<Request> requests, int samples, SamplingParams p,
                                           Listener listener) {
        try (var packed = PackedWeights.open()) {
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
            Tensor lg = model.extend(new KvCache[] {prefix}, new int[][] {sharedPrefix});
            prefixLogits = Arrays.copyOfRange(lg.data, (sharedPrefix.length - 1) * vocab, sharedPrefix.length * vocab);
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
            for (int r : admit) prompts.add(new Prompt(r, requests.get(r).tokens(), requests.get(r).seed(), samples, p, listener));
            if (!prompts.isEmpty()) prefill(prompts, sharedPrefix, prefix, prefixLogits, active);
            List<Seq> running = new ArrayList<>();
            for (Seq s : decodeStep(active, vocab)) results[s.request][s.sample] = s.completion();
            for (Seq s : active) if (s.finish == null) running.add(s);
            active = running;
            advance(active, vocab);
        }
        List<List<Completion>> out = new ArrayList<>();
        for (Completion[] r : results) out.add(List.of(r));
        return out;
    }

    /** A prompt to decode: its id for the caller, tokens after the shared prefix, seed, samples, sampling, streaming. */
    private record Prompt(int request, int[] tokens, long seed, int samples, SamplingParams p, Listener listener) {}

    /** Runs the admitted prompts after the shared prefix, batched, and forks each prompt's cache for its samples. */
    private void prefill(List<Prompt> prompts, int[] sharedPrefix, KvCache prefix, float[] prefixLogits, List<Seq> active) {
        int vocab = model.config().vocab_size();
        KvCache[] caches = new KvCache[prompts.size()];
        int[][] toks = new int[prompts.size()][];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = prefix.fork();
            toks[i] = prompts.get(i).tokens();
        }
        float[] lg = extend(caches, toks);
        int row = 0;
        for (int i = 0; i < caches.length; i++) {
            Prompt q = prompts.get(i);
            row += toks[i].length;
            float[] logits = toks[i].length == 0 ? prefixLogits : lg;
            int off = toks[i].length == 0 ? 0 : (row - 1) * vocab;
            int[] context = new int[sharedPrefix.length + toks[i].length];
            System.arraycopy(sharedPrefix, 0, context, 0, sharedPrefix.length);
            System.arraycopy(toks[i], 0, context, sharedPrefix.length, toks[i].length);
            for (int s = 0; s < q.samples(); s++) {
                KvCache c = s == q.samples() - 1 ? caches[i] : caches[i].fork();
                Seq seq = new Seq(q.request(), s, c, q.seed(), context, q.p(), q.listener());
                seq.logits = logits;
                seq.logitsOff = off;
                active.add(seq);
            }
        }
    }

    /**
     * A request that joins decoding while it runs (continuous batching, as a server needs): its prompt, seed and
     * samples, its own sampling, where its text streams (may be null), and what receives its completions.
     */
    public record Admission(int[] tokens, long seed, int samples, SamplingParams params, Listener listener,
                            java.util.function.Consumer<List<Completion>> done) {}

    /**
     * Decodes admissions as they arrive, until the queue holds {@code stop} while nothing is decoding: before every
     * step, waiting admissions join as long as their samples fit in the batch (when idle, it waits for one), and each
     * finished request's completions go to its callback at once. A listener that throws (a client gone) ends that
     * request alone: its sequences are dropped and its callback is not called.
     */
    public void serve(java.util.concurrent.BlockingQueue<Admission> queue, Admission stop) throws InterruptedException {
        int vocab = model.config().vocab_size();
        KvCache empty = model.newCache(1);
        List<Seq> active = new ArrayList<>();
        java.util.Map<Integer, Admission> byId = new java.util.HashMap<>();
        java.util.Map<Integer, Completion[]> results = new java.util.HashMap<>();
        int nextId = 0;
        try (var packed = PackedWeights.open()) {
            while (true) {
                List<Prompt> prompts = new ArrayList<>();
                int slots = active.size();
                if (active.isEmpty()) {
                    // Idle: wait for work (put back, the first request is admitted below like any other).
                    Admission first = queue.take();
                    if (first == stop) return;
                    admit(first, nextId++, byId, results, prompts);
                    slots += first.samples();
                }
                // Waiting requests join while their samples fit (a stop waits until nothing decodes).
                for (Admission head; (head = queue.peek()) != null && head != stop && slots + head.samples() <= maxBatch; ) {
                    queue.poll();
                    admit(head, nextId++, byId, results, prompts);
                    slots += head.samples();
                }
                if (!prompts.isEmpty()) prefill(prompts, new int[0], empty, null, active);
                List<Seq> finished = new ArrayList<>();
                java.util.Set<Integer> gone = new java.util.HashSet<>();
                for (Seq s : active) {
                    if (gone.contains(s.request)) continue;
                    try {
                        step(s, vocab);
                    } catch (RuntimeException listenerFailed) {
                        // Its client is gone: the request's sequences are dropped, the others decode on.
                        if (s.listener == null) throw listenerFailed;
                        gone.add(s.request);
                        continue;
                    }
                    if (s.finish != null) finished.add(s);
                }
                active.removeIf(s -> gone.contains(s.request));
                for (int g : gone) {
                    byId.remove(g);
                    results.remove(g);
                }
                for (Seq s : finished) {
                    Completion[] r = results.get(s.request);
                    if (r == null) continue;
                    r[s.sample] = s.completion();
                    if (java.util.Arrays.stream(r).allMatch(java.util.Objects::nonNull)) {
                        byId.remove(s.request).done().accept(List.of(r));
                        results.remove(s.request);
                    }
                }
                active.removeIf(s -> s.finish != null);
                advance(active, vocab);
            }
        }
    }

    private static void admit(Admission a, int id, java.util.Map<Integer, Admission> byId, java.util.Map<Integer, Completion[]> results,
                              List<Prompt> prompts) {
        byId.put(id, a);
        results.put(id, new Completion[a.samples()]);
        prompts.add(new Prompt(id, a.tokens(), a.seed(), a.samples(), a.params(), a.listener()));
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

    /** Feeds every active sequence its last token, batched, so each has its next logits. */
    private void advance(List<Seq> active, int vocab) {
        if (active.isEmpty()) return;
        KvCache[] caches = new KvCache[active.size()];
        int[][] toks = new int[active.size()][];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = active.get(i).cache;
            toks[i] = new int[] {active.get(i).out[active.get(i).n - 1]};
        }
        float[] lg = extend(caches, toks);
        for (int i = 0; i < caches.length; i++) {
            active.get(i).logits = lg;
            active.get(i).logitsOff = i * vocab;
        }
    }

    /**
     * Runs model.extend with the sequences split into one contiguous group per thread, each group a whole forward
     * pass on its own core. A decoding step is a hundred small ops on a few dozen rows; splitting every op across
     * threads would pay a hand-off per op, splitting the sequences pays one per step. Rows do not depend on each
     * other, so the logits are the same bits either way. Returns the logits rows in sequence order.
     */
    private float[] extend(KvCache[] caches, int[][] toks) {
        int groups = Parallel.chunks(caches.length, 8);
        if (groups <= 1) return model.extend(caches, toks).data;
        int vocab = model.config().vocab_size();
        int[] rowStart = new int[caches.length + 1];
        for (int i = 0; i < caches.length; i++) rowStart[i + 1] = rowStart[i] + toks[i].length;
        float[] out = new float[rowStart[caches.length] * vocab];
        Parallel.split(caches.length, groups, (c, lo, hi) -> {
            float[] part = model.extend(java.util.Arrays.copyOfRange(caches, lo, hi), java.util.Arrays.copyOfRange(toks, lo, hi)).data;
            System.arraycopy(part, 0, out, rowStart[lo] * vocab, (rowStart[hi] - rowStart[lo]) * vocab);
        });
        return out;
    }

    /** Samples one token for s and decides whether s is finished. */
    private void step(Seq s, int vocab) {
        SamplingParams p = s.p;
        Listener listener = s.listener;
        Sampler.Pick pick = Sampler.pick(s.logits, s.logitsOff, vocab, p, s.seen, s.seenCount, s.rng);
        s.out[s.n] = pick.token();
        s.sampleLp[s.n] = pick.sampleLogprob();
        s.modelLp[s.n] = pick.modelLogprob();
        s.n++;
        s.seen[s.seenCount++] = pick.token();
        s.logits = null;
        if (p.isStopToken(pick.token())) {
            s.finish = Completion.Finish.STOP;
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
        if (listener != null && text.length() > s.text.length() && !text.endsWith("\uFFFD") && text.startsWith(s.text)) {
            listener.onText(s.request, s.sample, text.substring(s.text.length()));
        }
        if (!text.endsWith("\uFFFD") || s.finish != null) s.text = text;
        if (s.finish == null && s.n >= p.maxNewTokens()) {
            s.finish = Completion.Finish.LENGTH;
            s.text = text;
        }
    }

}
