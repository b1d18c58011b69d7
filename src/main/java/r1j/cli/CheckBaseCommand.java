package r1j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.eval.BaseGate;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.Tokenizer;

/** {@code r1j check-base}: docs/world.md's readiness gate for reinforcement learning, pass or fail with the numbers. */
@Command(name = "check-base", description = "Single-step accuracy ≥ 90 %% and sampled pass@8 ≥ 85 %% on the test split.")
public final class CheckBaseCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--n", defaultValue = "200", description = "Test problems.")
    int n;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--max-new-tokens", defaultValue = "160")
    int maxNewTokens;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        Transformer m = Checkpoint.loadFrozen(model);
        BaseGate.Result r = BaseGate.check(m, Tokenizer.load(model), n, seed, maxNewTokens);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("single_step", r.singleStep());
            o.put("steps", r.steps());
            o.put("pass@8", r.passAt8());
            o.put("pass@1", r.passAt1());
            o.put("problems", r.problems());
            o.put("passed", r.passed());
            System.out.println(Jsonl.write(o));
        } else {
            System.out.printf("single steps (teacher-forced): %.1f%% of %d (gate %.0f%%)%n", 100 * r.singleStep(), r.steps(), 100 * BaseGate.SINGLE_STEP);
            System.out.printf("pass@8 (R1-Zero template, T 0.6, top-p 0.95): %.1f%% of %d problems (gate %.0f%%); pass@1 %.1f%%%n",
                    100 * r.passAt8(), r.problems(), 100 * BaseGate.PASS_AT_8, 100 * r.passAt1());
            EvalCommand.printTable(r.slices(), 8);
            System.out.println(r.passed() ? "PASSED: ready for reinforcement learning" : "FAILED: pretrain longer or retune the corpus");
        }
        return r.passed() ? 0 : 1;
    }
}
