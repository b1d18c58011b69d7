package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;
import r1j.train.SftConfig;
import r1j.train.SftTrainer;

/** {@code r1j sft}: supervised fine-tuning on prompt/completion or chat rows, loss on completion tokens only. */
@Command(name = "sft", description = "Supervised fine-tuning, loss on completion tokens only (the same command resumes).")
public final class SftCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The model folder to start from.")
    Path model;

    @Option(names = "--data", required = true, description = "JSONL of prompt/completion or messages rows.")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--template", defaultValue = "chat", description = "How prompts are rendered: chat, r1-zero or plain.")
    String template;

    @Option(names = "--epochs", defaultValue = "2")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "16", description = "Packed rows per step.")
    int batch;

    @Option(names = "--seq-len", defaultValue = "256")
    int seqLen;

    @Option(names = "--lr", defaultValue = "5e-4")
    float lr;

    @Option(names = "--min-lr", defaultValue = "5e-5")
    float minLr;

    @Option(names = "--warmup", defaultValue = "20")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.0")
    float weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0")
    float clip;

    @Option(names = "--eval-every", defaultValue = "50")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "200")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--stop-after", defaultValue = "0", description = "Stop this process after N steps (resume later).")
    long stopAfter;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        if (!java.nio.file.Files.isRegularFile(data)) throw new UserError(data + ": no such file");
        SftConfig c = new SftConfig(model.toAbsolutePath().toString(), data.toAbsolutePath().toString(),
                r1j.tokenizer.Templates.parse(template).id, epochs, batch, seqLen, lr, minLr, warmup, weightDecay, clip,
                evalEvery, checkpointEvery, seed);
        SftTrainer.Result r = SftTrainer.run(c, out, stopAfter, System.err);
        if (r.finalModel() != null) System.out.println(r.finalModel());
        return 0;
    }
}
