package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;
import r1j.train.RewardModelTrainer;

/** {@code r1j rm train}: a reward model trained on preference pairs with the Bradley–Terry loss. */
@Command(name = "rm", description = "Reward models.", subcommands = {RmCommand.Train.class})
public final class RmCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", description = "Train a reward model on prompt/chosen/rejected pairs; reports held-out accuracy.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "The backbone's model folder.")
        Path model;

        @Option(names = "--data", required = true, description = "JSONL with prompt, chosen, rejected.")
        Path data;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--name", defaultValue = "helpfulness", description = "The reward's name in metrics.")
        String name;

        @Option(names = "--segment", defaultValue = "all", description = "What of a reply it scores: all, reasoning or summary.")
        String segment;

        @Option(names = "--epochs", defaultValue = "2")
        int epochs;

        @Option(names = "--batch-pairs", defaultValue = "16")
        int batch;

        @Option(names = "--lr", defaultValue = "3e-4")
        float lr;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default: the trainer's).")
        Integer checkpointEvery;

        @Option(names = "--json", description = "The result as one JSON object on stdout.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            VectorSupport.logOnce();
            RewardModelTrainer.Config c = RewardModelTrainer.Config.builder().model(model).data(data).name(name)
                    .segment(segment).epochs(epochs).batchPairs(batch).lr(lr).seed(seed).build();
            if (checkpointEvery != null) {
                if (checkpointEvery < 1) throw new UserError("--checkpoint-every must be at least 1");
                c = c.toBuilder().checkpointEvery(checkpointEvery).build();
            }
            RewardModelTrainer.Result r = RewardModelTrainer.run(c, out, System.err);
            if (json) {
                System.out.println(r1j.data.Jsonl.write(r1j.data.Jsonl.object("name", name, "train_accuracy", r.trainAccuracy(),
                        "held_out_accuracy", r.heldOutAccuracy(), "held_out_pairs", r.heldOutPairs())));
            } else {
                System.out.printf("held-out accuracy %.1f%% (%d pairs); model: %s%n", 100 * r.heldOutAccuracy(), r.heldOutPairs(), r.finalModel());
            }
            return 0;
        }
    }
}
