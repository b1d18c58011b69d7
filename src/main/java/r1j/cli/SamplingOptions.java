package r1j.cli;

import java.util.Map;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import r1j.generate.GenerationConfig;
import r1j.generate.SamplingParams;

/**
 * The sampling settings of every command that samples (generate, chat, eval, reject-sample, coldstart). A command
 * states its own defaults by constructing it: evaluation samples as the R1 report does (temperature 0.6, top-p 0.95),
 * data generation a little hotter (0.8) for variety.
 */
public final class SamplingOptions {
    @Option(names = "--temperature", description = "Sampling temperature; 0 is greedy.")
    float temperature;

    @Option(names = "--top-p", description = "Nucleus sampling's probability mass.")
    float topP;

    @Option(names = "--top-k", description = "Keep the k most likely tokens; 0 keeps all.")
    int topK = 0;

    @Option(names = "--min-p", description = "Drop tokens below this share of the most likely one's probability.")
    float minP = 0f;

    @Option(names = "--repetition-penalty", description = "CTRL's penalty on tokens already present; 1 is none.")
    float repetitionPenalty = 1f;

    @Option(names = "--max-new-tokens", description = "Longest completion.")
    int maxNewTokens;

    @Option(names = "--stop", description = "A stop string (repeatable).")
    List<String> stops = new ArrayList<>();

    @Option(names = "--seed", description = "Seed of the sampling.")
    long seed = 1;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public SamplingOptions(float temperature, float topP, int maxNewTokens) {
        this.temperature = temperature;
        this.topP = topP;
        this.maxNewTokens = maxNewTokens;
    }

    /** Evaluation's defaults: the R1 report's temperature 0.6 and top-p 0.95, the tiny world's longest reply. */
    static SamplingOptions evaluation(int maxNewTokens) {
        return new SamplingOptions(0.6f, 0.95f, maxNewTokens);
    }

    /** Data generation's defaults (cold start, rejection sampling): temperature 0.8 for variety. */
    static SamplingOptions dataGeneration() {
        return new SamplingOptions(0.8f, 0.95f, 160);
    }

    /**
     * The model's own sampling defaults (generation_config.json: temperature, top_p, top_k, repetition_penalty, and
     * do_sample false as greedy) wherever the command line gives none.
     */
    void defaultsFrom(GenerationConfig g) {
        var given = mixee == null || mixee.commandLine() == null ? null : mixee.commandLine().getParseResult();
        java.util.function.Predicate<String> unset = name -> given == null || !given.hasMatchedOption(name);
        if (unset.test("--temperature")) {
            if (Boolean.FALSE.equals(g.doSample())) temperature = 0f;
            else if (g.temperature() != null) temperature = g.temperature().floatValue();
        }
        if (g.topP() != null && unset.test("--top-p")) topP = g.topP().floatValue();
        if (g.topK() != null && unset.test("--top-k")) topK = g.topK();
        if (g.repetitionPenalty() != null && unset.test("--repetition-penalty")) repetitionPenalty = g.repetitionPenalty().floatValue();
    }

    /** The sampler's parameters, stopping at these tokens (the tokenizer's end of sequence). */
    SamplingParams params(int... stopTokens) {
        if (temperature < 0 || topP <= 0 || topP > 1 || maxNewTokens < 1) {
            throw new UserError("--temperature ≥ 0, 0 < --top-p ≤ 1 and --max-new-tokens ≥ 1");
        }
        return SamplingParams.builder().temperature(temperature).topP(topP).topK(topK).minP(minP)
                .repetitionPenalty(repetitionPenalty).maxNewTokens(maxNewTokens).stopStrings(stops)
                .stopTokens(stopTokens).build();
    }

    /** These options as job settings (job.json of an output folder). */
    Map<String, Object> settings() {
        return r1j.data.Jsonl.object("temperature", temperature, "top_p", topP, "top_k", topK, "min_p", minP,
                "repetition_penalty", repetitionPenalty, "max_new_tokens", maxNewTokens, "seed", seed);
    }
}
