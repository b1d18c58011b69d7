package r1j.cli;

import static r1j.cli.ResultRows.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.bench.BalanceBench;
import r1j.bench.MatmulBench;
import r1j.bench.GenerateBench;
import r1j.bench.MatmulShape;
import r1j.bench.TokenizerBench;
import r1j.bench.TrainBench;
import r1j.tensor.Parallel;
import r1j.tensor.VectorSupport;

/** {@code r1j bench …}: speed figures, each as a ratio against a peer measured in the same run where one exists. */
@Command(name = "bench", description = "Measure kernel and training speed.",
        subcommands = {BenchCommand.Cluster.class, BenchCommand.Matmul.class, BenchCommand.Train.class, BenchCommand.Balance.class,
            BenchCommand.TokenizerSpeed.class, BenchCommand.Generate.class, BenchCommand.Grpo.class, BenchCommand.Serve.class,
            BenchCommand.Reward.class, BenchCommand.Real.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "matmul", description = "GFLOP/s of r1j's matmul per shape and layout, against OpenBLAS if installed.")
    static final class Matmul implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per row on stdout.")
        boolean json;

        @Option(names = "--shape", description = "MxNxK (repeatable); default: the five standard shapes.")
        List<String> shapes = new ArrayList<>();

        @Option(names = "--layout", description = "NT (x·Wᵀ), NN (dY·W), TN (dYᵀ·X); repeatable; default all.")
        List<String> layouts = new ArrayList<>();

        @Option(names = "--threads", split = ",", description = "Thread counts, e.g. 1,2; default 1 and all cores.")
        List<Integer> threads = new ArrayList<>();

        @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions (the median is reported).")
        int reps;

        @Option(names = "--min-seconds", defaultValue = "0.2", description = "Minimum duration of one repetition.")
        double minSeconds;

        @Option(names = "--no-openblas", description = "Skip the OpenBLAS comparison.")
        boolean noOpenblas;

        @Override
        public Integer call() throws Exception {
            VectorSupport.logOnce();
            List<MatmulShape> list = new ArrayList<>();
            List<String> lays = layouts.isEmpty() ? List.of(MatmulShape.LAYOUTS) : layouts;
            for (String l : lays) {
                if (!List.of(MatmulShape.LAYOUTS).contains(l)) throw new UserError("--layout: '" + l + "' is not NT, NN or TN");
            }
            if (shapes.isEmpty()) {
                for (int[] s : MatmulShape.DEFAULT_SHAPES) for (String l : lays) list.add(new MatmulShape(s[0], s[1], s[2], l));
            } else {
                for (String s : shapes) {
                    String[] d = s.split("x");
                    if (d.length != 3) throw new UserError("--shape: '" + s + "' is not MxNxK");
                    try {
                        for (String l : lays) list.add(new MatmulShape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]), l));
                    } catch (NumberFormatException e) {
                        throw new UserError("--shape: '" + s + "' is not MxNxK");
                    }
                }
            }
            List<Integer> ts = threads.isEmpty()
                    ? (Parallel.maxThreads() > 1 ? List.of(1, Parallel.maxThreads()) : List.of(1)) : threads;
            MatmulBench bench = new MatmulBench(list, ts, reps, minSeconds);
            List<MatmulBench.Row> rows = bench.run(!noOpenblas);
            String core = bench.openblasCore();
            if (!json) {
                System.out.println(core == null ? (noOpenblas ? "OpenBLAS: skipped" : "OpenBLAS: not installed (apt-get install libopenblas-dev)")
                        : "OpenBLAS core type: " + core + " (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it)");
            }
            ResultRows out = new ResultRows(json, col("shape", "shape MxNxK", "%s"), col("op", "op", "%s"), col("threads", "threads", "%d"),
                    col("gflops", "r1j GFLOP/s", "%.1f"), col("openblas_gflops", "OpenBLAS GFLOP/s", "%.1f"), col("ratio", "ratio", "%.2f"));
            for (MatmulBench.Row r : rows) out.print(MatmulBench.toJson(r, core));
            return 0;
        }
    }

    @Command(name = "train", description = "Tokens/s of forward + backward + AdamW on GPT-style configs A and B.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per config on stdout.")
        boolean json;

        @Option(names = "--config", description = "A or B (default: both).")
        String config;

        @Option(names = "--steps", defaultValue = "5", description = "Timed steps (the median is reported).")
        int steps;

        @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first.")
        int warmup;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() {
            VectorSupport.logOnce();
            if (steps < 1) throw new UserError("--steps must be at least 1");
            List<TrainBench.Spec> specs = config == null ? TrainBench.all() : List.of(TrainBench.byName(config));
            ResultRows out = new ResultRows(json, col("config", "config", "%s"), col("parameters", "parameters", "%d"),
                    col("threads", "threads", "%d"), col("seconds_per_step", "s/step", "%.3f"), col("tokens_per_s", "tokens/s", "%.0f"),
                    col("loss", "loss", "%.4f"));
            for (TrainBench.Spec s : specs) {
                TrainBench.Result r = TrainBench.run(s, warmup, steps, seed);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("config", s.name());
                row.put("parameters", r.parameters());
                row.put("threads", Parallel.threads());
                row.put("seconds_per_step", round3(r.secondsPerStep()));
                row.put("tokens_per_s", round3(r.tokensPerSecond()));
                row.put("loss", r.loss());
                out.print(row);
            }
            return 0;
        }
    }

    static double round3(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    @Command(name = "balance", description = "Expert load max/min ratio with the bias-based balancing on and frozen.")
    static final class Balance implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per run on stdout.")
        boolean json;

        @Option(names = "--preset", defaultValue = "nano")
        String preset;

        @Option(names = "--gamma", defaultValue = "0.01", description = "Bias update speed γ.")
        float gamma;

        @Option(names = "--steps", defaultValue = "300")
        int steps;

        @Option(names = "--window", defaultValue = "50", description = "Steps per load measurement.")
        int window;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() {
            VectorSupport.logOnce();
            if (steps < 2 * window) throw new UserError("--steps must be at least twice --window");
            ResultRows out = new ResultRows(json, col("run", "run", "%s"), col("gamma", "gamma", "%.3f"),
                    col("max_min_ratio_start", "max/min start", "%.2f"), col("max_min_ratio_end", "max/min end", "%.2f"), col("loss", "loss", "%.4f"));
            for (float g : new float[] {gamma, 0f}) {
                BalanceBench.Result r = BalanceBench.run(preset, g, steps, window, seed);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("run", g > 0 ? "balanced" : "frozen");
                row.put("gamma", g);
                row.put("max_min_ratio_start", round3(r.ratioStart()));
                row.put("max_min_ratio_end", round3(r.ratioEnd()));
                row.put("loss", r.lossEnd());
                out.print(row);
            }
            return 0;
        }
    }

    @Command(name = "reward", description = "Replies scored per second by the language-consistency reward and by "
            + "reasoning RL's rewards, against the rollouts per second a GRPO step samples.")
    static final class Reward implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per measurement on stdout.")
        boolean json;

        @Option(names = "--replies", defaultValue = "2000", description = "World replies scored (every reasoning style, both languages).")
        int replies;

        @Option(names = "--model", description = "Sample the peer's rollouts from this model folder (loaded frozen) "
                + "instead of the tiny preset with random weights.")
        java.nio.file.Path model;

        @Option(names = "--rollouts", defaultValue = "128", description = "Rollouts sampled together: a GRPO step's 16 prompts × 8.")
        int rollouts;

        @Option(names = "--new-tokens", defaultValue = "48", description = "Tokens per rollout (reasoning RL's replies average 45).")
        int newTokens;

        @Override
        public Integer call() throws Exception {
            VectorSupport.logOnce();
            var transformer = model == null ? r1j.model.Transformer.init(r1j.model.Presets.get("tiny"), 1) : r1j.io.Checkpoint.loadFrozen(model);
            String peer = model == null ? "tiny preset" : model.toString();
            double rolloutsPerSecond = GenerateBench.run(transformer, peer, rollouts, 40, newTokens, 1).tokensPerSecond() / newTokens;
            List<r1j.reward.Sample> samples = r1j.bench.RewardBench.worldReplies(replies, 1);
            // Rollouts/s: the tiny preset (or --model) sampling a GRPO step's rollouts together; 40 prompt tokens.
            ResultRows out = new ResultRows(json, col("measure", String.format("%-34s", "measure"), "%s"),
                    col("per_s", "per second", "%.0f"), col("times_rollouts", "× rollouts/s", "%.1f"));
            Map<String, Double> rows = new LinkedHashMap<>();
            rows.put("GRPO rollouts", rolloutsPerSecond);
            rows.put("language, cache on (as in training)", r1j.bench.RewardBench.languageCached(samples));
            rows.put("language, every clause afresh", r1j.bench.RewardBench.languageUncached(samples));
            rows.put("accuracy + language + readable", r1j.bench.RewardBench.reasoningRlRewards(samples));
            for (var e : rows.entrySet()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("measure", e.getKey());
                row.put("per_s", round3(e.getValue()));
                row.put("times_rollouts", round3(e.getValue() / rolloutsPerSecond));
                row.put("replies", e.getKey().equals("GRPO rollouts") ? rollouts : samples.size());
                row.put("peer", peer + ", " + rollouts + " rollouts × " + newTokens + " tokens");
                out.print(row);
            }
            return 0;
        }
    }

    @Command(name = "tokenizer", description = "Encoding throughput (MB/s of UTF-8 input).")
    static final class TokenizerSpeed implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per tokenizer on stdout.")
        boolean json;

        @Option(names = "--tokenizer", description = "Also measure this tokenizer folder (tokenizer.json).")
        List<java.nio.file.Path> others = new ArrayList<>();

        @Option(names = "--seconds", defaultValue = "2")
        double seconds;

        @Override
        public Integer call() throws Exception {
            List<String> docs = TokenizerBench.sampleText(20_000, 2);
            List<TokenizerBench.Result> rows = new ArrayList<>();
            rows.add(TokenizerBench.run(TokenizerBench.worldTokenizer(), "world (trained here, 1024)", docs, seconds));
            for (java.nio.file.Path p : others) {
                rows.add(TokenizerBench.run(r1j.tokenizer.Tokenizer.load(p), p.toString(), docs, seconds));
            }
            ResultRows out = new ResultRows(json, col("tokenizer", "tokenizer", "%s"), col("mb_per_s", "MB/s", "%.2f"),
                    col("tokens_per_s", "tokens/s", "%.0f"), col("bytes_per_token", "bytes/token", "%.2f"));
            for (TokenizerBench.Result r : rows) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("tokenizer", r.tokenizer());
                row.put("mb_per_s", round3(r.mbPerSecond()));
                row.put("tokens_per_s", round3(r.tokensPerSecond()));
                row.put("bytes_per_token", round3(r.bytesPerToken()));
                out.print(row);
            }
            return 0;
        }
    }

    @Command(name = "serve", description = "A bounded load on an OpenAI-compatible server: concurrent streams, each checked complete and its own.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object on stdout.")
        boolean json;

        @Option(names = "--url", description = "A running server's base URL (…/v1); without it, r1j serve on --model in this process.")
        String url;

        @Option(names = "--model", description = "The model folder to serve (when no --url).")
        java.nio.file.Path model;

        @Option(names = "--name", description = "The model id to ask for (default: the folder's name).")
        String name;

        @Option(names = "--api-key")
        String key;

        @Option(names = "--requests", defaultValue = "256")
        int requests;

        @Option(names = "--concurrency", defaultValue = "32")
        int concurrency;

        @Option(names = "--max-tokens", defaultValue = "32")
        int maxTokens;

        @Option(names = "--max-batch", defaultValue = "32", description = "The in-process server's batch.")
        int maxBatch;

        @Option(names = "--check", defaultValue = "8", description = "Replies compared with the same request alone "
                + "(0 for a server whose replies depend on what they are batched with).")
        int check;

        @Override
        public Integer call() throws Exception {
            if (url == null && model == null) throw new UserError("bench serve needs --url of a running server or --model to serve");
            if (requests < 1 || concurrency < 1 || maxTokens < 1) throw new UserError("--requests, --concurrency and --max-tokens must be positive");
            String id = name != null ? name : model != null ? model.toAbsolutePath().normalize().getFileName().toString() : "model";
            r1j.serve.OpenAiServer server = null;
            String base = url;
            try {
                if (url == null) {
                    VectorSupport.logOnce();
                    server = r1j.serve.OpenAiServer.of(model, Map.of(), r1j.serve.ServeSettings.builder().port(0).modelId(id)
                            .apiKey(key).maxBatch(maxBatch).build());
                    base = "http://127.0.0.1:" + server.port() + "/v1";
                }
                r1j.bench.ServeBench.Result r = r1j.bench.ServeBench.run(base, id, key, requests, concurrency, maxTokens, check);
                ResultRows out = new ResultRows(json, col("requests", "requests", "%d"), col("concurrency", "concurrency", "%d"),
                        col("completion_tokens", "tokens", "%d"), col("seconds", "seconds", "%.2f"), col("tokens_per_s", "tokens/s", "%.1f"),
                        col("p50_s", "p50 s", "%.2f"), col("p99_s", "p99 s", "%.2f"), col("first_token_p50_s", "first token p50 s", "%.2f"),
                        col("checked_alone", "checked alone", "%d"));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("requests", r.requests());
                row.put("concurrency", r.concurrency());
                row.put("completion_tokens", r.completionTokens());
                row.put("seconds", round3(r.seconds()));
                row.put("tokens_per_s", round3(r.tokensPerSecond()));
                row.put("p50_s", round3(r.latency().p50Seconds()));
                row.put("p99_s", round3(r.latency().p99Seconds()));
                row.put("first_token_p50_s", round3(r.latency().firstTokenP50Seconds()));
                row.put("checked_alone", r.checkedAlone());
                out.print(row);
            } finally {
                if (server != null) server.close();
            }
            return 0;
        }
    }

    @Command(name = "grpo", description = "GRPO step time on a model folder: LoRA on the frozen base next to full fine-tuning.")
    static final class Grpo implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per mode on stdout.")
        boolean json;

        @Option(names = "--model", required = true, description = "A model folder with its tokenizer (e.g. a Hub checkpoint).")
        java.nio.file.Path model;

        @Option(names = "--lora-r", defaultValue = "16")
        int r;

        @Option(names = "--lora-targets", split = ",", defaultValue = "q_proj,k_proj,v_proj,o_proj")
        List<String> targets;

        @Option(names = "--steps", defaultValue = "3")
        int steps;

        @Option(names = "--prompts", defaultValue = "2")
        int prompts;

        @Option(names = {"-G", "--group-size"}, defaultValue = "4")
        int group;

        @Option(names = "--max-completion-tokens", defaultValue = "32")
        int maxTokens;

        @Option(names = "--no-full", description = "Skip full fine-tuning (when its 16 bytes per parameter do not fit).")
        boolean noFull;

        /** Rollouts with 8-bit weights (q8), the objective correcting with truncated importance weights. */
        @picocli.CommandLine.Mixin
        FrozenDtypeOption frozenDtype = new FrozenDtypeOption();

        @Option(names = "--async-steps", split = ",", defaultValue = "0,1",
                description = "Each mode with its rollouts this many steps ahead of the trainer (0: on-policy), side by side.")
        List<Integer> asyncSteps;

        @Override
        public Integer call() throws Exception {
            VectorSupport.logOnce();
            for (int a : asyncSteps) if (a < 0) throw new UserError("--async-steps: counts must be ≥ 0");
            ResultRows out = new ResultRows(json, col("mode", "mode", "%s"), col("async_steps", "async", "%d"), col("trainable", "trainable", "%,d"),
                    col("seconds_per_step", "s/step", "%.2f"), col("rollout_tokens_per_s", "rollout tok/s", "%.0f"),
                    col("update_tokens_per_s", "update tok/s", "%.0f"));
            List<r1j.model.LoraConfig> modes = new ArrayList<>();
            modes.add(new r1j.model.LoraConfig(r, 2.0 * r, 0, targets, false));
            if (!noFull) modes.add(null);
            for (r1j.model.LoraConfig l : modes) for (int a : asyncSteps) {
                r1j.bench.GrpoBench.Result res = r1j.bench.GrpoBench.run(model, l, new r1j.bench.GrpoBench.Shape(steps, prompts, group, maxTokens),
                        frozenDtype.dtype(), a);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("mode", res.mode());
                row.put("async_steps", a);
                row.put("trainable", res.trainable());
                row.put("seconds_per_step", round3(res.secondsPerStep()));
                row.put("rollout_tokens_per_s", round3(res.rolloutTokensPerSecond()));
                row.put("update_tokens_per_s", round3(res.updateTokensPerSecond()));
                out.print(row);
            }
            return 0;
        }
    }

    @Command(name = "cluster", description = "GRPO step time with the rollouts in this JVM and on 1, 2, 4 local Hazelcast workers.")
    static final class Cluster implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per configuration on stdout.")
        boolean json;

        @Option(names = "--model", required = true, description = "The policy's model folder.")
        java.nio.file.Path model;

        @Option(names = "--workers", split = ",", defaultValue = "1,2,4")
        List<Integer> workers;

        @Option(names = "--steps", defaultValue = "5")
        int steps;

        @Option(names = "--prompts", defaultValue = "16")
        int prompts;

        @Option(names = {"-G", "--group-size"}, defaultValue = "8")
        int group;

        @Option(names = "--max-completion-tokens", defaultValue = "48")
        int maxTokens;

        @Option(names = "--async-steps", split = ",", defaultValue = "0,1",
                description = "Each configuration with its rollouts this many steps ahead of the trainer (0: on-policy).")
        List<Integer> asyncSteps;

        @Override
        public Integer call() throws Exception {
            VectorSupport.logOnce();
            if (steps < 2) throw new UserError("--steps must be at least 2 (the first step is not timed)");
            for (int w : workers) if (w < 1) throw new UserError("--workers: counts must be at least 1");
            for (int a : asyncSteps) if (a < 0) throw new UserError("--async-steps: counts must be ≥ 0");
            ResultRows out = new ResultRows(json, col("workers", "workers", "%d"), col("async_steps", "async", "%d"),
                    col("seconds_per_step", "s/step", "%.3f"),
                    col("vs_alone", "× alone", "%.2f"), col("rollout_seconds", "rollout s", "%.3f"), col("sync_seconds", "sync s", "%.4f"),
                    col("sync_bytes", "sync bytes", "%,d"));
            List<r1j.bench.ClusterBench.Result> rs = r1j.bench.ClusterBench.run(model, workers,
                    new r1j.bench.GrpoBench.Shape(steps, prompts, group, maxTokens), asyncSteps, System.err);
            double alone = rs.get(0).secondsPerStep();
            for (r1j.bench.ClusterBench.Result r : rs) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workers", r.workers());
                row.put("async_steps", r.asyncSteps());
                row.put("seconds_per_step", round3(r.secondsPerStep()));
                row.put("vs_alone", round3(r.secondsPerStep() / alone));
                row.put("rollout_seconds", round3(r.rolloutSeconds()));
                row.put("sync_seconds", Math.round(r.syncSeconds() * 1e5) / 1e5);
                row.put("sync_bytes", r.syncBytes());
                out.print(row);
            }
            return 0;
        }
    }

    @Command(name = "generate", description = "Decoding tokens/s on a preset: many sequences together, and one alone.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per measurement on stdout.")
        boolean json;

        @Option(names = "--preset", defaultValue = "tiny")
        String preset;

        @Option(names = "--model", description = "A model folder instead of a preset: loaded frozen (16-bit weights stay "
                + "16-bit) and, as the peer, widened to float32.")
        java.nio.file.Path model;

        @Option(names = "--sequences", defaultValue = "64", description = "Sequences decoding together.")
        int sequences;

        @Option(names = "--prompt-tokens", defaultValue = "32")
        int promptTokens;

        @Option(names = "--new-tokens", defaultValue = "128")
        int newTokens;

        @Override
        public Integer call() {
            VectorSupport.logOnce();
            ResultRows out = new ResultRows(json, col("model", "model", "%s"), col("weight_bytes", "weight bytes", "%d"),
                    col("sequences", "sequences", "%d"),
                    col("new_tokens", "new tokens", "%d"), col("seconds", "seconds", "%.2f"), col("tokens_per_s", "tokens/s", "%.0f"),
                    col("bandwidth_bound_tokens_per_s", "bandwidth bound (1 seq)", "%.0f"), col("fraction_of_bound", "of bound", "%.2f"));
            List<java.util.function.Function<Integer, GenerateBench.Result>> runs = new ArrayList<>();
            if (model == null) {
                runs.add(n -> GenerateBench.run(preset, n, promptTokens, newTokens, 1));
            } else {
                runs.add(n -> GenerateBench.run(load(true), "frozen (stored width)", n, promptTokens, newTokens, 1));
                runs.add(n -> GenerateBench.run(load(false), "float32", n, promptTokens, newTokens, 1));
            }
            for (var run : runs) for (int n : new int[] {1, sequences}) {
                GenerateBench.Result r = run.apply(n);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", r.model());
                row.put("weight_bytes", r.weightBytes());
                row.put("sequences", r.sequences());
                row.put("new_tokens", r.newTokens());
                row.put("seconds", round3(r.seconds()));
                row.put("tokens_per_s", round3(r.tokensPerSecond()));
                if (n == 1) {
                    row.put("bandwidth_bound_tokens_per_s", round3(r.boundTokensPerSecond()));
                    row.put("fraction_of_bound", round3(r.tokensPerSecond() / r.boundTokensPerSecond()));
                }
                out.print(row);
            }
            return 0;
        }

        private r1j.model.Transformer load(boolean frozen) {
            try {
                return frozen ? r1j.io.Checkpoint.loadFrozen(model) : r1j.io.Checkpoint.load(model, false);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Command(name = "real", description = "A real-shape model folder next to its peers: decoding at 1/8/32 sequences and "
            + "prefill against llama.cpp (on r1j's own BF16 GGUF export), full and LoRA training steps against PyTorch "
            + "(where installed), each against the machine's bound.")
    static final class Real implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per measurement on stdout.")
        boolean json;

        @Option(names = "--model", required = true, description = "A Hugging Face layout model folder (e.g. made with "
                + "`r1j init --config`).")
        java.nio.file.Path model;

        @Option(names = "--threads", split = ",", description = "Thread counts: one-sequence decoding and prefill at "
                + "each, the rest at the largest (default: 1 and all).")
        List<Integer> threads;

        @Option(names = "--sequences", split = ",", defaultValue = "1,8,32", description = "Sequences decoding together.")
        List<Integer> sequences;

        @Option(names = "--new-tokens", defaultValue = "32", description = "Tokens each sequence decodes per timed run.")
        int newTokens;

        @Option(names = "--reps", defaultValue = "3", description = "Timed runs per figure (the median is reported), "
                + "after one untimed run.")
        int reps;

        @Option(names = "--work", split = ",", defaultValue = "decode,prefill,q8,full,lora",
                description = "Which rows: decode, prefill, q8 (one sequence with 8-bit weights against llama.cpp Q8_0), full, lora.")
        List<String> work;

        @Option(names = "--no-peers", description = "r1j alone: no llama.cpp or PyTorch (for quick comparisons "
                + "between builds).")
        boolean noPeers;

        @Override
        public Integer call() throws java.io.IOException {
            VectorSupport.logOnce();
            if (reps < 1 || newTokens < 1) throw new UserError("--reps and --new-tokens must be at least 1");
            for (String w : work) {
                if (!List.of("decode", "prefill", "q8", "full", "lora").contains(w)) {
                    throw new UserError("--work: unknown '" + w + "' (decode, prefill, q8, full or lora)");
                }
            }
            List<Integer> ts = threads != null ? threads
                    : Parallel.maxThreads() == 1 ? List.of(1) : List.of(1, Parallel.maxThreads());
            for (int t : ts) {
                if (t < 1 || t > Parallel.maxThreads()) {
                    throw new UserError("--threads: " + t + " is not between 1 and " + Parallel.maxThreads());
                }
            }
            ResultRows out = new ResultRows(json, col("work", "work", "%s"), col("threads", "threads", "%d"),
                    col("tokens_per_s", "r1j tok/s", "%.1f"), col("peer", "peer", "%s"),
                    col("peer_tokens_per_s", "peer tok/s", "%.1f"), col("ratio", "ratio", "%.2f"),
                    col("bound_tokens_per_s", "bound tok/s", "%.0f"), col("bound_by", "bound by", "%s"),
                    col("fraction_of_bound", "of bound", "%.2f"));
            r1j.bench.RealBench.Settings s = new r1j.bench.RealBench.Settings(model, ts, sequences, newTokens, reps,
                    new java.util.LinkedHashSet<>(work), !noPeers);
            r1j.bench.RealBench.run(s, r -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("work", r.work());
                row.put("threads", r.threads());
                row.put("tokens_per_s", round3(r.tokensPerSecond()));
                if (r.peer() != null) {
                    row.put("peer", r.peer());
                    row.put("peer_tokens_per_s", round3(r.peerTokensPerSecond()));
                    row.put("ratio", round3(r.ratio()));
                }
                row.put("bound_tokens_per_s", round3(r.bound()));
                row.put("bound_by", r.boundBy());
                row.put("fraction_of_bound", round3(r.tokensPerSecond() / r.bound()));
                out.print(row);
            }, System.err);
            return 0;
        }
    }
}
