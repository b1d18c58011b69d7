package r1j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.pipeline.Pipeline;
import r1j.pipeline.PipelinePreset;
import r1j.tensor.VectorSupport;

/**
 * {@code r1j r1-zero}: DeepSeek-R1-Zero in miniature from nothing, as the pipeline's own first stages: the world's
 * data, a pretrained base (unless one is given), the readiness gate, GRPO with accuracy and format rewards on the
 * R1-Zero template, and the evaluation of the base and of R1-Zero. Every stage writes into its folder of the run and
 * is skipped or resumed when the command runs again, so `r1j pipeline --out` the same folder continues from here.
 */
@Command(name = "r1-zero", description = "World data → pretrain → readiness gate → GRPO → evaluation before and after (the pipeline's first stages).")
public final class R1ZeroCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny", description = "tiny (the run of docs/results.md) or nano (minutes).")
    String preset;

    @Option(names = "--out", defaultValue = "runs/r1-zero")
    Path out;

    @Option(names = "--base", description = "A pretrained base model folder (skips pretraining).")
    Path base;

    @Option(names = "--force", description = "Run GRPO even if the base fails the readiness gate.")
    boolean force;

    @Option(names = "--json", description = "The two rows (base, R1-Zero) as JSON objects on stdout.")
    boolean json;

    @Mixin
    GrpoOptions grpo;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        PipelinePreset p = PipelinePreset.of(preset);
        List<Map<String, Object>> table = new Pipeline(new Pipeline.Options(p, out, base, grpo.config(), grpo.seed, force), System.err).runR1Zero();
        if (json) {
            for (Map<String, Object> r : table) System.out.println(Jsonl.write(r));
        } else {
            PipelineCommand.printTable(table, p.evalK());
            System.out.println("final model: " + out.resolve("r1-zero/final"));
            System.out.println("report: " + out.resolve("report.html"));
        }
        return 0;
    }
}
