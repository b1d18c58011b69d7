package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.model.ModelConfig;
import r1j.model.Presets;
import r1j.model.Transformer;
import r1j.tokenizer.Tokenizer;

/** {@code r1j init}: a freshly initialised model folder (config.json, model.safetensors, generation_config.json). */
@Command(name = "init", description = "Write a freshly initialised model folder from a preset.")
public final class InitCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny", description = "nano, tiny or small.")
    String preset;

    @Option(names = "--config", description = "A Hugging Face config.json (e.g. a real model's) instead of a preset: "
            + "random weights written tensor by tensor, so billions of parameters need one tensor's memory.")
    Path config;

    @Option(names = "--out", required = true, description = "The model folder to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--vocab-size", description = "Override the preset's vocabulary size.")
    Integer vocabSize;

    @Option(names = "--mtp", defaultValue = "0", description = "Multi-token-prediction modules.")
    int mtp;

    @Option(names = "--dtype", defaultValue = "F32", description = "F32, BF16 or F16.")
    DType dtype;

    @Option(names = "--force", description = "Overwrite an existing model folder.")
    boolean force;

    @Option(names = "--tokenizer", description = "A tokenizer folder: copied into the model folder; sets the vocabulary size.")
    Path tokenizer;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out.resolve(Checkpoint.CONFIG)) && !force) {
            throw new UserError(out + " already holds a model (--force overwrites it)");
        }
        ModelConfig cfg = config != null ? ModelConfig.read(config) : Presets.get(preset);
        Tokenizer tok = tokenizer == null ? null : Tokenizer.load(tokenizer);
        if (tok != null && config == null) cfg = cfg.withVocabSize(tok.vocabSize());
        if (vocabSize != null) cfg = cfg.withVocabSize(vocabSize);
        if (mtp > 0) cfg = cfg.withMtp(mtp);
        if (config != null) {
            // A real configuration: written streaming, in 5 GB shards as the Hub's checkpoints are.
            Checkpoint.saveRandom(cfg, out, dtype, seed, 5_000_000_000L);
            if (tok != null) tok.save(out);
            System.out.printf("%s: %,d parameters%n", cfg.model_type(), new r1j.model.MemoryPlan(cfg, dtype.bytes).parameters());
        } else {
            Transformer model = Transformer.init(cfg, seed);
            Checkpoint.save(model, out, dtype, Long.MAX_VALUE);
            if (tok != null) tok.save(out);
            System.out.println(ModelSummary.describe(model));
        }
        System.out.println("wrote " + out);
        return 0;
    }
}
