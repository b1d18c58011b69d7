package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.tensor.VectorSupport;
import r1j.tokenizer.PromptFormat;
import r1j.generate.GenerationConfig;
import r1j.tokenizer.Tokenizer;

/** {@code r1j generate}: sample completions of one prompt, streaming the text of a single sample. */
@Command(name = "generate", description = "Sample completions of a prompt from a model folder.")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model folder with tokenizer.json.")
    Path model;

    @Option(names = "--adapter", description = "A LoRA adapter folder (PEFT's format) to apply on the model.")
    Path adapter;

    @picocli.CommandLine.Mixin
    FrozenDtypeOption frozenDtype = new FrozenDtypeOption();

    @Option(names = "--prompt", required = true)
    String prompt;

    @Option(names = "--template", defaultValue = "plain", description = "r1-zero, chat, plain, or model (the model's own chat template).")
    String template;

    @Option(names = {"-n", "--samples"}, defaultValue = "1")
    int samples;









    @Mixin
    SamplingOptions sampling = SamplingOptions.evaluation(256);

    @Option(names = "--json", description = "One JSON object per completion on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        Transformer m = Checkpoint.loadFrozen(model, adapter, frozenDtype.dtype());
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
            throw new UserError(model + ": no tokenizer.json (r1j init --tokenizer DIR puts one there)");
        }
        Tokenizer tok = Tokenizer.load(model);
        PromptFormat t = PromptFormat.resolve(template, model);
        GenerationConfig gc = GenerationConfig.read(model);
        sampling.defaultsFrom(gc);
        SamplingParams p = sampling.params(gc.stopTokens(m, tok));
        boolean stream = !json && samples == 1;
        Generator g = new Generator(m, tok, Math.max(1, Math.min(64, samples)));
        if (stream) System.out.print(t.render(prompt));
        List<Completion> out = g.complete(t, prompt, samples, p, sampling.seed, stream ? (r, s, delta) -> {
            System.out.print(delta);
            System.out.flush();
        } : null);
        for (int i = 0; i < out.size(); i++) {
            Completion c = out.get(i);
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", t.render(prompt));
                row.put("sample", i);
                row.put("completion", c.text());
                row.put("tokens", c.tokens());
                row.put("finish", c.finish().label());
                System.out.println(Jsonl.write(row));
            } else if (stream) {
                System.out.println();
                System.err.println("[" + c.finish().label() + ", " + c.tokens().length + " tokens]");
            } else {
                System.out.println("--- sample " + (i + 1) + " (" + c.finish().label() + ", " + c.tokens().length + " tokens)");
                System.out.println(c.text());
            }
        }
        return 0;
    }
}
