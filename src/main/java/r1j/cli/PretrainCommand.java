package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;
import r1j.train.PretrainConfig;
import r1j.train.Pretrainer;

/** {@code r1j pretrain}: trains the tokenizer (unless given) and the base model on a corpus; resumable. */
@Command(name = "pretrain", description = "Pretrain the base model on a corpus (the same command resumes an interrupted run).")
public final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny", description = "nano, tiny or small (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--corpus", description = "Text, one document per line (r1j data corpus); by default the world's corpus "
            + "of --corpus-tokens tokens is generated into the run folder.")
    Path corpus;

    @Option(names = "--corpus-tokens", defaultValue = "20000000")
    long corpusTokens;

    @Option(names = "--out", required = true, description = "The run folder.")
    Path out;

    @Option(names = "--tokenizer", description = "A tokenizer folder; by default one is trained on the corpus.")
    Path tokenizer;

    @Option(names = "--vocab-size", defaultValue = "1024")
    int vocabSize;

    @Option(names = "--tokens", defaultValue = "16000000", description = "Token budget (default: ${DEFAULT-VALUE}).")
    long tokens;

    @Option(names = "--seq-len", defaultValue = "256")
    int seqLen;

    @Option(names = "--batch-size", defaultValue = "16")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3")
    float lr;

    @Option(names = "--min-lr", defaultValue = "2e-4")
    float minLr;

    @Option(names = "--warmup", defaultValue = "100")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1")
    float weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0")
    float clip;

    @Option(names = "--bias-update-speed", defaultValue = "0.001", description = "γ of the router-bias balancing (0 freezes it).")
    float gamma;

    @Option(names = "--balance-alpha", defaultValue = "0", description = "Weight α of the sequence-wise balance loss.")
    float alpha;

    @Option(names = "--mtp", defaultValue = "0", description = "Multi-token-prediction modules.")
    int mtp;

    @Option(names = "--mtp-lambda", defaultValue = "0.3")
    float mtpLambda;

    @Option(names = "--eval-every", defaultValue = "250")
    int evalEvery;

    @Option(names = "--eval-batches", defaultValue = "4")
    int evalBatches;

    @Option(names = "--checkpoint-every", defaultValue = "500")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--stop-after", defaultValue = "0", description = "Stop this process after N steps (resume later).")
    long stopAfter;

    @Option(names = "--gate-every", defaultValue = "0",
            description = "Check the base readiness gate every N steps and finish once it holds (0: train the whole budget).")
    int gateEvery;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        if (seqLen < 2 || batch < 1 || tokens < 1) throw new UserError("--seq-len, --batch-size and --tokens must be positive");
        if (corpus == null) {
            corpus = out.resolve("corpus.txt");
            if (!java.nio.file.Files.isRegularFile(corpus)) {
                System.err.println("generating the world's corpus (" + corpusTokens + " tokens) → " + corpus);
                java.nio.file.Files.createDirectories(out);
                r1j.io.AtomicFiles.write(corpus, o -> {
                    var w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o, java.nio.charset.StandardCharsets.UTF_8));
                    r1j.data.Corpus.write(w, corpusTokens, r1j.data.Corpus.defaultMix(), seed);
                    w.flush();
                });
            }
        }
        PretrainConfig c = new PretrainConfig(preset, corpus.toAbsolutePath().toString(),
                tokenizer == null ? null : tokenizer.toAbsolutePath().toString(), vocabSize, tokens, seqLen, batch, lr, minLr,
                warmup, weightDecay, clip, gamma, alpha, mtp, mtpLambda, evalEvery, evalBatches, checkpointEvery, seed, gateEvery);
        Pretrainer.Result r = Pretrainer.run(c, out, stopAfter, System.err);
        if (r.finalModel() != null) System.out.println(r.finalModel());
        return 0;
    }
}
