package r1j.generate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import r1j.model.KvCache;
import r1j.tensor.LowRank;
import r1j.tensor.PackedWeights;

/**
 * Continuous batching for a server (Orca, Yu et al. 2022; vLLM's scheduler): one thread decodes every running request
 * together, one token per sequence per step, and admits waiting requests before each step while their samples fit in
 * the batch. Each request keeps its own sampling, seed and adapter; its seeded samples are the same whatever they are
 * batched with ({@link Generator}).
 *
 * <p>No request can stop the loop. A request is checked when it is admitted (its tokens, its samples against the
 * batch), and anything that fails inside a step fails only the requests it touches: a batched prefill or decode
 * step that throws is run again one request at a time (a failed step leaves the caches as they were), and the
 * requests that still fail alone are failed with the cause while the others decode on. A client that went away
 * ({@link Client#cancelled}) frees its sequences at the next token.
 */
public final class ServingLoop {
    /** A request's side of the loop. Its methods run on the loop's thread, so they must return at once. */
    public interface Client {
        /** Settled text of one sample as it is produced (held back while a stop string may still match). */
        default void onText(int sample, String delta) {}

        /** Every sample finished: the completions in sample order. */
        void onDone(List<Completion> completions);

        /** The request failed (it alone): refused at admission, failed inside a step, or the loop is closing. */
        void onFailed(Throwable cause);

        /** Whether the client went away; its sequences are dropped before the next token. */
        boolean cancelled();
    }

    /**
     * A request: its prompt tokens, seed, number of samples, sampling, the adapter slot its rows go through
     * ({@link LowRank#BASE}: the base model; used only when the loop routes adapters), and its client.
     */
    public record Admission(int[] tokens, long seed, int samples, SamplingParams params, int adapter, Client client) {}

    /** Why a request was refused at admission (its own fault, not the model's). */
    public static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * What the loop has done so far (for /health and /metrics): decode steps (mixedSteps: those whose batch held
     * sequences of more than one adapter slot), requests completed, failed and cancelled, tokens sampled, sequences
     * running and requests waiting now.
     */
    public record Stats(Decoding decoding, Requests requests) {
        /**
         * @param steps decode and prefill iterations
         * @param mixedSteps those whose batch mixed adapters (or the base and an adapter)
         * @param tokens tokens generated
         */
        public record Decoding(long steps, long mixedSteps, long tokens) {}

        /**
         * @param completed requests finished
         * @param failed requests failed alone (the others decoded on)
         * @param cancelled requests whose client went away or was too slow
         * @param running sequences being decoded now
         * @param waiting requests admitted and waiting for a slot
         */
        public record Requests(long completed, long failed, long cancelled, int running, int waiting) {}

        public long steps() {
            return decoding.steps();
        }

        public long mixedSteps() {
            return decoding.mixedSteps();
        }

        public long tokens() {
            return decoding.tokens();
        }

        public long completed() {
            return requests.completed();
        }

        public long failed() {
            return requests.failed();
        }

        public long cancelled() {
            return requests.cancelled();
        }

        public int running() {
            return requests.running();
        }

        public int waiting() {
            return requests.waiting();
        }
    }

    /** A request being decoded: what it asked for, and its completions as they finish. */
    private record Live(Admission admission, Completion[] results) {}

    private static final Admission WAKE = new Admission(new int[0], 0, 1, SamplingParams.greedy(1), LowRank.BASE, null);

    private final Generator generator;
    private final boolean routed;
    private final BlockingQueue<Admission> queue = new LinkedBlockingQueue<>();
    private final Map<Integer, Live> live = new HashMap<>();
    private List<Generator.Seq> active = new ArrayList<>();
    private int nextId;
    private volatile boolean closing;
    private volatile int running;
    private final AtomicLong steps = new AtomicLong(), mixedSteps = new AtomicLong(), completed = new AtomicLong(), failed = new AtomicLong(),
            cancelled = new AtomicLong(), tokens = new AtomicLong();

    /** With routed, each request's rows go through its own adapter slot of the model's weights. */
    public ServingLoop(Generator generator, boolean routed) {
        this.generator = generator;
        this.routed = routed;
    }

    /** Queues a request; its client hears of it on the loop's thread. */
    public void submit(Admission a) {
        if (a.client() == null) throw new IllegalArgumentException("an admission needs a client");
        if (closing) {
            a.client().onFailed(new IllegalStateException("the server is shutting down"));
            return;
        }
        queue.add(a);
    }

    /** Makes {@link #run} fail what is left and return. */
    public void close() {
        closing = true;
        queue.add(WAKE);
    }

    public Stats stats() {
        return new Stats(new Stats.Decoding(steps.get(), mixedSteps.get(), tokens.get()), new Stats.Requests(completed.get(),
                failed.get(), cancelled.get(), running, (int) queue.stream().filter(a -> a != WAKE).count()));
    }

    /** Decodes until {@link #close}; each iteration is guarded so that the loop itself cannot fail. */
    public void run() throws InterruptedException {
        try (var packed = PackedWeights.open()) {
            KvCache empty = generator.model().newCache(1);
            while (!closing) {
                List<Generator.Prompt> prompts = new ArrayList<>();
                if (live.isEmpty()) {
                    // Idle: wait for work.
                    Admission first = queue.take();
                    if (first == WAKE || !admit(first, prompts)) continue;
                }
                try {
                    iterate(prompts, empty);
                } catch (Throwable t) {
                    // What the per-request guards did not catch (memory running out between them): every running
                    // request fails with it, and the loop goes on with an empty batch.
                    failAll(t);
                }
                running = active.size();
            }
            IllegalStateException closed = new IllegalStateException("the server is shutting down");
            failAll(closed);
            for (Admission a : new ArrayList<>(queue)) if (a != WAKE) quietly(() -> a.client().onFailed(closed));
            queue.clear();
        }
    }

    /** One step: admit what fits (after the prompts already admitted), prefill it, sample a token for every sequence, decode. */
    private void iterate(List<Generator.Prompt> prompts, KvCache empty) {
        int vocab = generator.model().config().vocab_size();
        int slots = active.size();
        for (Generator.Prompt p : prompts) slots += p.samples();
        for (Admission head; (head = queue.peek()) != null && (head == WAKE || slots + head.samples() <= generator.maxBatch()); ) {
            queue.poll();
            if (head != WAKE && admit(head, prompts)) slots += head.samples();
        }
        prefill(prompts, empty);
        Set<Integer> gone = new HashSet<>();
        List<Generator.Seq> finished = new ArrayList<>();
        int sampled = 0;
        for (Generator.Seq s : active) {
            if (gone.contains(s.request)) continue;
            Live l = live.get(s.request);
            if (l == null) {
                gone.add(s.request);
                continue;
            }
            if (l.admission().client().cancelled()) {
                gone.add(s.request);
                live.remove(s.request);
                cancelled.incrementAndGet();
                continue;
            }
            try {
                generator.step(s, vocab);
                sampled++;
            } catch (Throwable t) {
                gone.add(s.request);
                fail(s.request, t);
                continue;
            }
            if (s.finish != null) finished.add(s);
        }
        tokens.addAndGet(sampled);
        active.removeIf(s -> s.finish != null || gone.contains(s.request));
        running = active.size();
        for (Generator.Seq s : finished) {
            if (gone.contains(s.request)) continue;
            Live l = live.get(s.request);
            l.results()[s.sample] = s.completion();
            if (java.util.Arrays.stream(l.results()).allMatch(java.util.Objects::nonNull)) {
                live.remove(s.request);
                completed.incrementAndGet();
                quietly(() -> l.admission().client().onDone(List.of(l.results())));
            }
        }
        if (routed && active.stream().mapToInt(s -> s.adapter).distinct().count() > 1) mixedSteps.incrementAndGet();
        advance();
        steps.incrementAndGet();
    }

    /** Checks a request and adds its prompt to this step's prefill; a request that cannot run is failed alone. */
    private boolean admit(Admission a, List<Generator.Prompt> prompts) {
        if (a.client().cancelled()) {
            cancelled.incrementAndGet();
            return false;
        }
        String refused = refusal(a);
        if (refused != null) {
            failed.incrementAndGet();
            quietly(() -> a.client().onFailed(new Refused(refused)));
            return false;
        }
        int id = nextId++;
        live.put(id, new Live(a, new Completion[a.samples()]));
        ServingLoop.Client c = a.client();
        Generator.Listener listener = (request, sample, delta) -> c.onText(sample, delta);
        prompts.add(new Generator.Prompt(id, a.tokens(), a.seed(), a.samples(), a.params(), listener, a.adapter()));
        return true;
    }

    /** Why a request cannot be decoded, or null. */
    private String refusal(Admission a) {
        int vocab = generator.model().config().vocab_size();
        if (a.tokens().length == 0) return "the prompt is empty (no tokens)";
        for (int t : a.tokens()) if (t < 0 || t >= vocab) return "prompt token " + t + " is outside the model's vocabulary of " + vocab;
        if (a.samples() < 1 || a.samples() > generator.maxBatch()) {
            return a.samples() + " samples do not fit a batch of " + generator.maxBatch() + " sequences";
        }
        if (a.params() == null) return "no sampling parameters";
        if (routed ? a.adapter() < LowRank.BASE : a.adapter() != LowRank.BASE) return "no adapter slot " + a.adapter();
        return null;
    }

    /** The batched prefill; when it fails, each prompt again alone, failing those that fail alone. */
    private void prefill(List<Generator.Prompt> prompts, KvCache empty) {
        if (prompts.isEmpty()) return;
        try {
            active.addAll(generator.prefill(prompts, new int[0], empty, null, routed));
            return;
        } catch (Throwable batched) {
            if (prompts.size() == 1) {
                fail(prompts.get(0).request(), batched);
                return;
            }
        }
        for (Generator.Prompt p : prompts) {
            try {
                active.addAll(generator.prefill(List.of(p), new int[0], empty, null, routed));
            } catch (Throwable alone) {
                fail(p.request(), alone);
            }
        }
    }

    /** The batched decode step; when it fails, each request's sequences again alone, failing those that fail alone. */
    private void advance() {
        try {
            generator.advance(active, routed);
            return;
        } catch (Throwable batched) {
            // Retried per request below.
        }
        Map<Integer, List<Generator.Seq>> byRequest = new java.util.LinkedHashMap<>();
        for (Generator.Seq s : active) byRequest.computeIfAbsent(s.request, k -> new ArrayList<>()).add(s);
        Set<Integer> gone = new HashSet<>();
        for (var e : byRequest.entrySet()) {
            try {
                generator.advance(e.getValue(), routed);
            } catch (Throwable alone) {
                gone.add(e.getKey());
                fail(e.getKey(), alone);
            }
        }
        active.removeIf(s -> gone.contains(s.request));
    }

    private void fail(int request, Throwable cause) {
        Live l = live.remove(request);
        if (l == null) return;
        failed.incrementAndGet();
        quietly(() -> l.admission().client().onFailed(cause));
    }

    private void failAll(Throwable cause) {
        for (Integer id : new ArrayList<>(live.keySet())) fail(id, cause);
        active = new ArrayList<>();
    }

    /** A client's callback that throws is the client's problem, not the loop's. */
    private static void quietly(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            // The client is told no more; its request is already out of the loop.
        }
    }
}
