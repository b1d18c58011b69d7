package r1j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.data.Datasets;
import r1j.data.Jsonl;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.rejection.Judge;
import r1j.rejection.RejectionSampler;
import r1j.rejection.Stage2Data;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.Tokenizer;
import r1j.train.JobFolder;

/**
 * {@code r1j reject-sample}: samples from a checkpoint, keeps what the rule checker (or a generative judge) and the
 * readability filters accept, and exports kept.jsonl, the SFT stage-2 dataset sft.jsonl (kept rows mixed with the
 * world's non-reasoning questions) and summary.json (prompts, samples, kept, rejected per reason).
 */
@Command(name = "reject-sample", description = "Rejection sampling: n samples per prompt, judged and filtered, exported as SFT data.")
public final class RejectSampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--data", required = true, description = "Prompt/answer JSONL.")
    Path data;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--template", defaultValue = "chat")
    String template;

    @Option(names = "--problems", description = "Use the first N prompts (default: all).")
    Integer problems;

    @Option(names = {"-n", "--samples"}, defaultValue = "4")
    int samples;
    @Mixin
    SamplingOptions sampling = SamplingOptions.dataGeneration();

    @Option(names = "--keep", defaultValue = "1", description = "Most samples kept per prompt (distinct, shortest first).")
    int keep;

    @Option(names = "--max-paragraph-chars", defaultValue = "400")
    int maxParagraph;

    @Option(names = "--judge", description = "A model folder used as generative judge for prompts whose reference is not a number.")
    Path judge;

    @Option(names = "--general-share", defaultValue = "0.25", description = "Share of non-reasoning rows in sft.jsonl.")
    double generalShare;
    @Option(names = "--json", description = "The summary as one JSON object on stdout.")
    boolean json;

    @Option(names = "--force", description = "Replace the output of another rejection sampling in --out.")
    boolean force;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        List<Datasets.Example> ps = new ArrayList<>();
        for (Datasets.Example e : Datasets.read(data, false).examples()) if (e.answer() != null) ps.add(e);
        if (problems != null) ps = ps.subList(0, Math.min(problems, ps.size()));
        if (ps.isEmpty()) throw new UserError(data + ": no prompt/answer rows");
        Map<String, Object> job = r1j.data.Jsonl.object("job", "reject-sample", "model", JobSettings.path(model), "data", JobSettings.path(data),
                "template", template, "problems", problems, "samples", samples, "keep", keep, "max_paragraph_chars", maxParagraph,
                "judge", JobSettings.path(judge), "general_share", generalShare);
        job.putAll(sampling.settings());
        JobFolder.claim(out, job, force, Stage2Data.OUTPUTS, JobFolder.Unclaimed.REFUSE);
        Transformer m = Checkpoint.loadFrozen(model);
        Tokenizer tok = Tokenizer.load(model);
        Judge j = judge == null ? null : new Judge(Checkpoint.loadFrozen(judge), Tokenizer.load(judge));
        RejectionSampler.Options o = RejectionSampler.Options.builder()
                .template(PromptFormat.resolve(template, model)).samples(samples)
                .temperature(sampling.temperature).topP(sampling.topP)
                .maxNewTokens(sampling.maxNewTokens).keepPerPrompt(keep).maxParagraphChars(maxParagraph)
                .seed(sampling.seed).build();
        long t0 = System.nanoTime();
        RejectionSampler.Outcome r;
        try (r1j.generate.Rollouts workers = cluster.connect(r1j.cluster.ModelSpec.sampler(JobSettings.path(model)), tok)) {
            r = RejectionSampler.run(m, tok, ps, o, j, workers);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> summary = Stage2Data.export(out, r, generalShare, sampling.seed);
        if (json) {
            System.out.println(Jsonl.write(summary));
        } else {
            System.out.printf("prompts %d, samples %d, passed %s, kept %d (%d prompts with one), in %.0f s%n", r.prompts(), r.drawn(),
                    summary.get("passed"), r.kept().size(), r.promptsWithKept(), secs);
            r.rejected().forEach((k, v) -> System.out.printf("  rejected: %-16s %6d%n", k, v));
            System.out.printf("sft.jsonl: %s rows (%s non-reasoning) → %s%n", summary.get("sft_rows"), summary.get("non_reasoning_rows"),
                    out.resolve("sft.jsonl"));
        }
        return 0;
    }
}
