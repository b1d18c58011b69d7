package r1j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.tokenizer.PromptFormat;
import r1j.generate.GenerationConfig;
import r1j.tokenizer.ChatTemplate;
import r1j.tokenizer.ModelChatFormat;
import java.util.Map;
import java.util.ArrayList;
import r1j.tokenizer.SpecialTokens;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * {@code r1j chat}: try a model in the terminal. The template is the one its run used (the "template" of config.json in
 * the run folder that holds the model as final/), else R1-Zero; the reply streams as it is sampled. Commands: /reset
 * (forget the conversation), /temp X, /quit.
 */
@Command(name = "chat", description = "Talk to a model in the terminal (/reset, /temp 0.6, /quit).")
public final class ChatCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--adapter", description = "A LoRA adapter folder (PEFT's format) to apply on the model.")
    Path adapter;

    @picocli.CommandLine.Mixin
    FrozenDtypeOption frozenDtype = new FrozenDtypeOption();

    @Option(names = "--template", description = "r1-zero, chat, plain, or model: the model's own chat template (default: from the run folder, else r1-zero).")
    String template;

    @Mixin
    SamplingOptions sampling = SamplingOptions.evaluation(256);

    @Override
    public Integer call() throws Exception {
        Transformer m = Checkpoint.loadFrozen(model, adapter, frozenDtype.dtype());
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) throw new UserError(model + ": no tokenizer.json");
        Tokenizer tok = Tokenizer.load(model);
        PromptFormat t = PromptFormat.resolve(template != null ? template : templateOfRun(model), model);
        GenerationConfig gc = GenerationConfig.read(model);
        sampling.defaultsFrom(gc);
        int[] stop = gc.stopTokens(m, tok);
        Generator g = new Generator(m, tok, 1);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder history = new StringBuilder();
        List<ChatTemplate.Message> turns = new ArrayList<>();
        System.out.println("r1j chat (" + t.id() + " template) — /reset, /temp X, /quit");
        long seed = sampling.seed;
        while (true) {
            System.out.print("> ");
            System.out.flush();
            String line = in.readLine();
            if (line == null || line.equals("/quit")) return 0;
            if (line.isBlank()) continue;
            if (line.equals("/reset")) {
                history.setLength(0);
                turns.clear();
                System.out.println("(conversation forgotten)");
                continue;
            }
            if (line.startsWith("/temp")) {
                try {
                    sampling.temperature = Float.parseFloat(line.substring(5).trim());
                    System.out.println("(temperature " + sampling.temperature + ")");
                } catch (NumberFormatException e) {
                    System.out.println("(usage: /temp 0.6)");
                }
                continue;
            }
            // The chat formats carry the conversation; the others answer one question at a time.
            String question = t == Templates.CHAT && !history.isEmpty() ? history + SpecialTokens.USER + line : line;
            turns.add(new ChatTemplate.Message("user", line));
            int[] prefix = tok.encode(t.constantPrefix(), false);
            int[] rest = tok.encode(t instanceof ModelChatFormat mf ? mf.template().render(turns, true, Map.of())
                    : t.variablePart(question), false);
            SamplingParams p = sampling.params(stop);
            var c = g.generate(prefix, List.of(new Generator.Request(rest, seed++)), 1, p, (r, s, delta) -> {
                System.out.print(delta);
                System.out.flush();
            }).get(0).get(0);
            System.out.println();
            turns.add(new ChatTemplate.Message("assistant", c.text()));
            if (t == Templates.CHAT) history.append(SpecialTokens.USER).append(line).append(SpecialTokens.ASSISTANT).append(c.text()).append(SpecialTokens.EOS);
        }
    }

    /** The template recorded in the run folder that produced the model (model is run/final), or r1-zero. */
    static String templateOfRun(Path model) {
        try {
            Path cfg = model.toAbsolutePath().getParent().resolve("config.json");
            if (Files.isRegularFile(cfg)) {
                var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cfg.toFile()).get("template");
                if (n != null && n.isTextual()) return n.asText();
            }
        } catch (java.io.IOException e) {
            // no readable run config: fall back
        }
        return "r1-zero";
    }
}
