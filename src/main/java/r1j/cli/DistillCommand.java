package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.io.Checkpoint;
import r1j.rejection.RejectionSampler;
import r1j.rejection.Stage2Data;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;
import r1j.train.SftConfig;
import r1j.train.SftTrainer;

/**
 * {@code r1j distill}: distillation as the R1 report does it (§2.4, §4.1): the teacher answers N prompts, its replies
 * are filtered as in rejection sampling (teacher-data/), and the student is fine-tuned on them (sft/). Both steps are
 * skipped or resumed when the command runs again.
 */
@Command(name = "distill", description = "Teacher samples, filtered as in rejection sampling → SFT of a (smaller, dense) student.")
public final class DistillCommand implements Callable<Integer> {
    @Option(names = "--teacher", required = true)
    Path teacher;

    @Option(names = "--student", required = true, description = "The student's model folder (its pretrained base), same tokenizer.")
    Path student;

    @Option(names = "--data", required = true, description = "Prompt/answer JSONL the teacher answers.")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--problems", defaultValue = "4000")
    int problems;

    @Option(names = {"-n", "--samples"}, defaultValue = "4")
    int samples;

    @Option(names = "--general-share", defaultValue = "0.25", description = "Share of the world's non-reasoning rows.")
    double generalShare;

    @Option(names = "--epochs", defaultValue = "2")
    int epochs;

    @Option(names = "--lr", defaultValue = "5e-4")
    float lr;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        Path teacherData = out.resolve("teacher-data");
        if (!Files.isRegularFile(teacherData.resolve("sft.jsonl"))) {
            List<Datasets.Example> ps = new ArrayList<>();
            for (Datasets.Example e : Datasets.read(data, false).examples()) if (e.answer() != null && ps.size() < problems) ps.add(e);
            if (ps.isEmpty()) throw new UserError(data + ": no prompt/answer rows");
            RejectionSampler.Outcome r = RejectionSampler.run(Checkpoint.load(teacher, false), Tokenizer.load(teacher), ps,
                    new RejectionSampler.Options(Templates.CHAT, samples, 0.8f, 0.95f, 160, 1, 400, seed), null);
            Map<String, Object> s = Stage2Data.export(teacherData, r, generalShare, seed);
            System.err.println("teacher data: " + Jsonl.write(s));
        }
        SftConfig c = new SftConfig(student.toAbsolutePath().toString(), teacherData.resolve("sft.jsonl").toAbsolutePath().toString(),
                "chat", epochs, 16, 256, lr, lr / 10, 20, 0f, 1f, 50, 200, seed);
        SftTrainer.Result r = SftTrainer.run(c, out.resolve("sft"), 0, System.err);
        if (r.finalModel() != null) System.out.println(r.finalModel());
        return 0;
    }
}
