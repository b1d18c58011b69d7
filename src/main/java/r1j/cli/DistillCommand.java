package r1j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.data.Datasets;
import r1j.pipeline.Pipeline;
import r1j.pipeline.PipelinePreset;
import r1j.rl.GrpoConfig;
import r1j.tensor.VectorSupport;

/**
 * {@code r1j distill}: distillation as the R1 report does it (§2.4, §4.1), as the pipeline's own stage: the teacher
 * answers N prompts, its replies are filtered as in rejection sampling (distill-data/), and the student is fine-tuned
 * on them (student-distilled/). Both are skipped or resumed when the command runs again.
 */
@Command(name = "distill", description = "Teacher samples, filtered as in rejection sampling → SFT of a (smaller, dense) student.")
public final class DistillCommand implements Callable<Integer> {
    private static final PipelinePreset D = PipelinePreset.of("tiny");

    @Option(names = "--teacher", required = true)
    Path teacher;

    @Option(names = "--student", required = true, description = "The student's model folder (its pretrained base), same tokenizer.")
    Path student;

    @Option(names = "--data", required = true, description = "Prompt/answer JSONL the teacher answers.")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--problems", description = "Prompts the teacher answers.")
    int problems = D.distillProblems();

    @Option(names = {"-n", "--samples"}, description = "Teacher samples per prompt.")
    int samples = D.rejectionSamples();

    @Option(names = "--epochs", description = "Epochs of the student's SFT.")
    int epochs = D.sft().epochs();

    @Option(names = "--lr", description = "The student's peak learning rate.")
    float lr = D.studentLr();

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--force", description = "Replace another distillation's output in --out.")
    boolean force;

    @picocli.CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        List<Datasets.Example> ps = new ArrayList<>();
        for (Datasets.Example e : Datasets.read(data, false).examples()) if (e.answer() != null && ps.size() < problems) ps.add(e);
        if (ps.isEmpty()) throw new UserError(data + ": no prompt/answer rows");
        // Its stages are skipped when DONE, so the same command resumes; another distillation's folder is refused.
        r1j.train.JobFolder.claim(out, r1j.data.Jsonl.object("job", "distill", "teacher", JobSettings.path(teacher), "student",
                JobSettings.path(student), "data", JobSettings.path(data), "problems", problems, "samples", samples, "epochs", epochs,
                "lr", lr, "seed", seed), force, List.of("distill-data", "student-distilled"), r1j.train.JobFolder.Unclaimed.REFUSE);
        PipelinePreset p = D.toBuilder().rejectionSamples(samples).sft(D.sft().toBuilder().epochs(epochs).build()).studentLr(lr).build();
        Pipeline pipeline = new Pipeline(new Pipeline.Options(p, out, null, GrpoConfig.defaults(), seed, false), System.err);
        cluster.check();
        if (cluster.enabled()) pipeline.sampleOn((m, tok) -> cluster.connect(r1j.cluster.ModelSpec.sampler(JobSettings.path(m)), tok));
        System.out.println(pipeline.distill(teacher, student, ps));
        return 0;
    }
}
