package r1j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import r1j.data.Jsonl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.coldstart.ColdStart;
import r1j.data.Datasets;
import r1j.io.Checkpoint;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.Tokenizer;
import r1j.train.JobFolder;

/**
 * {@code r1j coldstart}: the cold-start dataset of DeepSeek-R1 §2.3.1 from its three sources, each written to its own
 * JSONL file (skipped when present, so an interrupted run resumes), then filtered and merged into coldstart.jsonl
 * with summary.json saying how many rows each source gave and each filter dropped.
 */
@Command(name = "coldstart", description = "Cold-start data: few-shot long CoT, direct prompting with reflection, refined R1-Zero outputs.")
public final class ColdStartCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "The pretrained base (few-shot and direct prompting).")
    Path base;

    @Option(names = "--r1-zero", description = "An R1-Zero model whose outputs are refined (left out when not given).")
    Path r1Zero;

    @Option(names = "--data", required = true, description = "Prompt/answer JSONL of reasoning problems (r1j data tasks, train split).")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--problems", defaultValue = "1000", description = "Problems per source (distinct problems for each).")
    int problems;

    @Mixin
    SamplingOptions sampling = SamplingOptions.dataGeneration();

    @Option(names = "--samples", defaultValue = "4", description = "Samples per problem.")
    int samples;

    @Option(names = "--shots", defaultValue = "2", description = "Worked examples in a few-shot prompt.")
    int shots;

    @Option(names = "--worked", defaultValue = "0", description = "Add N solutions the world writes from its correct steps "
            + "(the stand-in for hand-written examples; default none).")
    int worked;
    @Option(names = "--json", description = "One JSON object per source on stdout.")
    boolean json;

    @Option(names = "--force", description = "Replace the output of another cold start in --out.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        // The same command resumes its sources (each file is read back when present); another cold start's folder is refused.
        Map<String, Object> job = r1j.data.Jsonl.object("job", "coldstart", "base", JobSettings.path(base), "r1_zero", JobSettings.path(r1Zero),
                "data", JobSettings.path(data), "problems", problems, "samples", samples, "shots", shots, "worked", worked);
        job.putAll(sampling.settings());
        List<Datasets.Example> all = new ArrayList<>();
        for (Datasets.Example e : Datasets.read(data, false).examples()) if (e.answer() != null) all.add(e);
        int sources = r1Zero == null ? 2 : 3;
        if (all.size() < sources * problems) problems = all.size() / sources;
        if (problems < 1) throw new UserError(data + ": not enough prompt/answer rows");
        JobFolder.claim(out, job, force, ColdStart.OUTPUTS, JobFolder.Unclaimed.REFUSE);
        var base = Checkpoint.loadFrozen(this.base);
        Tokenizer tok = Tokenizer.load(this.base);
        var z = r1Zero == null ? null : Checkpoint.loadFrozen(r1Zero);
        List<Map<String, Object>> summary = ColdStart.build(out, new ColdStart.Models(base, tok, z), all, new ColdStart.Plan(problems, shots, worked),
                new ColdStart.Sampling(samples, sampling.temperature, sampling.maxNewTokens, sampling.seed));
        Map<String, Object> total = summary.get(summary.size() - 1);
        if (json) {
            for (Map<String, Object> r : summary) System.out.println(Jsonl.write(r));
        } else {
            System.out.printf("%-8s %9s %9s %11s %7s%n", "source", "problems", "samples", "candidates", "kept");
            for (Map<String, Object> r : summary.subList(0, summary.size() - 1)) {
                System.out.printf("%-8s %9s %9s %11s %7s%n", r.get("source"), r.get("problems"), r.get("samples"), r.get("candidates"), r.get("kept"));
            }
            System.out.printf("%-8s %9s %9s %11s %7s   dropped: %s%n", "all", "", "", total.get("candidates"), total.get("kept"), total.get("dropped"));
            System.out.println(out.resolve("coldstart.jsonl"));
        }
        return 0;
    }
}
