package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.rl.GrpoTrainer;
import r1j.tensor.VectorSupport;

/** {@code r1j grpo}: GRPO from a model folder on prompt/answer JSONL with rule-based rewards; resumable. */
@Command(name = "grpo", description = "Reinforcement learning with GRPO and rule-based rewards (the same command resumes).")
public final class GrpoCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The starting model folder (the base).")
    Path model;

    @Option(names = "--data", required = true, description = "prompt/answer JSONL (r1j data tasks --split train).")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--stop-after", defaultValue = "0", description = "Stop this process after N steps (resume later).")
    long stopAfter;

    @Option(names = "--force", description = "Start even if the model fails the base readiness gate.")
    boolean force;

    @Mixin
    GrpoOptions options;

    @Mixin
    LoraOptions lora = new LoraOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        boolean resuming = java.nio.file.Files.isRegularFile(out.resolve("checkpoints/latest.txt"));
        if (!force && !resuming) {
            r1j.eval.BaseGate.Result g = r1j.eval.BaseGate.check(r1j.io.Checkpoint.loadFrozen(model),
                    r1j.tokenizer.Tokenizer.load(model), 200, options.seed, options.maxCompletion);
            System.err.println(r1j.eval.BaseGate.line(g));
            r1j.eval.BaseGate.require(g, model, false);
        }
        r1j.rl.GrpoConfig c = options.config().toBuilder().model(model).data(data).lora(lora.config()).gradientCheckpointing(lora.gradientCheckpointing).build();
        try (r1j.generate.Rollouts rollouts = cluster.connect(r1j.cluster.ModelSpec.policy(JobSettings.path(model), c.lora(), c.seed()),
                r1j.tokenizer.Tokenizer.load(model))) {
            GrpoTrainer.Result r = GrpoTrainer.run(c, out, stopAfter, System.err, rollouts);
            if (r.finalModel() != null) System.out.println(r.finalModel());
        }
        return 0;
    }
}
