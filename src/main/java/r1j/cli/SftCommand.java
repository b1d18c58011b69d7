package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;
import r1j.train.SftConfig;
import r1j.train.SftTrainer;

/** {@code r1j sft}: supervised fine-tuning on prompt/completion or chat rows, loss on completion tokens only. */
@Command(name = "sft", description = "Supervised fine-tuning, loss on completion tokens only (the same command resumes).")
public final class SftCommand implements Callable<Integer> {
    private static final SftConfig D = SftConfig.defaults();

    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions(new OptimizerOptions.Defaults(D.lr(), D.min_lr(), D.warmup_steps(), D.weight_decay(),
            D.grad_clip(), D.adamW()));

    @Option(names = "--model", required = true, description = "The model folder to start from.")
    Path model;

    @Option(names = "--data", required = true, description = "JSONL of prompt/completion or messages rows.")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--template", description = "How prompts are rendered: chat, r1-zero, plain, or model (the model's own chat template).")
    String template = D.template();

    @Option(names = "--epochs")
    int epochs = D.epochs();

    @Option(names = "--batch-size", description = "Packed rows per step.")
    int batch = D.batch_size();

    @Option(names = "--seq-len")
    int seqLen = D.seq_len();

    @Option(names = "--eval-every")
    int evalEvery = D.eval_every();

    @Option(names = "--held-out-every", description = "Every n-th example is held out for the validation loss (0: none).")
    int heldOutEvery = D.held_out_every();

    @Option(names = "--checkpoint-every")
    int checkpointEvery = D.checkpoint_every();

    @Option(names = "--seed")
    long seed = D.seed();

    @Option(names = "--stop-after", defaultValue = "0", description = "Stop this process after N steps (resume later).")
    long stopAfter;

    @Mixin
    LoraOptions lora = new LoraOptions();

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        if (!java.nio.file.Files.isRegularFile(data)) throw new UserError(data + ": no such file");
        SftConfig c = optimizer.applyTo(D.toBuilder()).model(model).data(data).template(r1j.tokenizer.ModelChatFormat.ID.equals(template) ? template : r1j.tokenizer.Templates.parse(template).id).epochs(epochs)
                .batchSize(batch).seqLen(seqLen).evalEvery(evalEvery).heldOutEvery(heldOutEvery).checkpointEvery(checkpointEvery).seed(seed)
                .lora(lora.config()).gradientCheckpointing(lora.gradientCheckpointing).build();
        SftTrainer.Result r = SftTrainer.run(c, out, stopAfter, System.err);
        if (r.finalModel() != null) System.out.println(r.finalModel());
        return 0;
    }
}
