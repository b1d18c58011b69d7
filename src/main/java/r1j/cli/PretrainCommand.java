package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;
import r1j.train.PretrainConfig;
import r1j.train.Pretrainer;

/** {@code r1j pretrain}: trains the tokenizer (unless given) and the base model on a corpus; resumable. */
@Command(name = "pretrain", description = "Pretrain the base model on a corpus (the same command resumes an interrupted run).")
public final class PretrainCommand implements Callable<Integer> {
    private static final PretrainConfig D = PretrainConfig.defaults();

    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions(new OptimizerOptions.Defaults(D.lr(), D.min_lr(), D.warmup_steps(), D.weight_decay(),
            D.grad_clip(), D.adamW()));

    @Option(names = "--preset", description = "nano, tiny or small.")
    String preset = D.preset();

    @Option(names = "--corpus", description = "Text, one document per line (r1j data corpus); by default the world's corpus "
            + "of --corpus-tokens tokens is generated into the run folder.")
    Path corpus;

    @Option(names = "--corpus-tokens", defaultValue = "20000000")
    long corpusTokens;

    @Option(names = "--out", required = true, description = "The run folder.")
    Path out;

    @Option(names = "--tokenizer", description = "A tokenizer folder; by default one is trained on the corpus.")
    Path tokenizer;

    @Option(names = "--vocab-size")
    int vocabSize = D.vocab_size();

    @Option(names = "--tokens", description = "Token budget.")
    long tokens = D.tokens();

    @Option(names = "--seq-len")
    int seqLen = D.seq_len();

    @Option(names = "--batch-size")
    int batch = D.batch_size();

    @Option(names = "--bias-update-speed", description = "γ of the router-bias balancing (0 freezes it).")
    float gamma = D.bias_update_speed();

    @Option(names = "--balance-alpha", description = "Weight α of the sequence-wise balance loss.")
    float alpha = D.balance_alpha();

    @Option(names = "--mtp", description = "Multi-token-prediction modules.")
    int mtp = D.mtp_layers();

    @Option(names = "--mtp-lambda")
    float mtpLambda = D.mtp_lambda();

    @Option(names = "--eval-every")
    int evalEvery = D.eval_every();

    @Option(names = "--eval-batches")
    int evalBatches = D.eval_batches();

    @Option(names = "--checkpoint-every")
    int checkpointEvery = D.checkpoint_every();

    @Option(names = "--seed")
    long seed = D.seed();

    @Option(names = "--stop-after", defaultValue = "0", description = "Stop this process after N steps (resume later).")
    long stopAfter;

    @Option(names = "--gate-every",
            description = "Check the base readiness gate every N steps and finish once it holds (0: train the whole budget).")
    int gateEvery = D.gate_every();

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
        if (!java.nio.file.Files.isRegularFile(corpus)) throw new UserError(corpus + ": no such file (--corpus is a text file, one document per line)");
        if (java.nio.file.Files.size(corpus) == 0) throw new UserError(corpus + ": empty");
        try (var r = java.nio.file.Files.newBufferedReader(corpus, java.nio.charset.StandardCharsets.UTF_8)) {
            char[] buf = new char[1 << 16];
            while (r.read(buf) >= 0) {
                // decoding the whole file is the check
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(corpus + ": not UTF-8 text");
        }
        PretrainConfig c = optimizer.applyTo(D.toBuilder()).preset(preset).corpus(corpus).tokenizer(tokenizer).vocabSize(vocabSize).tokens(tokens)
                .seqLen(seqLen).batchSize(batch).biasUpdateSpeed(gamma).balanceAlpha(alpha).mtpLayers(mtp).mtpLambda(mtpLambda)
                .evalEvery(evalEvery).evalBatches(evalBatches).checkpointEvery(checkpointEvery).seed(seed)
                .gateEvery(gateEvery).build();
        Pretrainer.Result r = Pretrainer.run(c, out, stopAfter, System.err);
        if (r.finalModel() != null) System.out.println(r.finalModel());
        return 0;
    }
}
