package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;

/**
 * {@code r1j r1-zero}: DeepSeek-R1-Zero in miniature from nothing, as the pipeline's own first stages: the world's
 * data, a pretrained base (unless one is given), the readiness gate, GRPO with accuracy and format rewards on the
 * R1-Zero template, and the evaluation of the base and of R1-Zero. Every stage writes into its folder of the run and
 * is skipped or resumed when the command runs again, so `r1j pipeline --out` the same folder continues from here.
 */
@Command(name = "r1-zero", description = "World data → pretrain → readiness gate → GRPO → evaluation before and after (the pipeline's first stages).")
public final class R1ZeroCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/r1-zero")
    Path out;

    @Mixin
    PipelineOptions options;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        options.print(options.pipeline(out).runR1Zero());
        if (!options.json) {
            System.out.println("final model: " + out.resolve("r1-zero/final"));
            System.out.println("report: " + out.resolve("report.html"));
        }
        return 0;
    }
}
