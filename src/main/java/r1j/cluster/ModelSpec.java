package r1j.cluster;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import r1j.model.LoraConfig;
import r1j.model.Transformer;
import r1j.tokenizer.Tokenizer;
import r1j.train.TrainingRun;

/**
 * The model a worker samples from, built as the trainer builds its policy: the base folder (a path every worker can
 * read, as on a cluster's shared storage), and a LoRA adapter of that config when the run trains one. The weights
 * training changes then come with each sync.
 */
public record ModelSpec(String base, LoraConfig lora, long seed, boolean frozen) implements Serializable {
    /** The model a training run samples from (float32, or the frozen base with an adapter). */
    public static ModelSpec policy(String base, LoraConfig lora, long seed) {
        return new ModelSpec(base, lora, seed, false);
    }

    /** A model that only samples (evaluation, rejection sampling): loaded as the trainer loads it, 16-bit weights kept 16-bit. */
    public static ModelSpec sampler(String base) {
        return new ModelSpec(base, null, 0, true);
    }

    Transformer build() throws IOException {
        return frozen ? r1j.io.Checkpoint.loadFrozen(Path.of(base)) : TrainingRun.trainee(Path.of(base), null, lora, seed);
    }

    Tokenizer tokenizer() throws IOException {
        return Tokenizer.load(Path.of(base));
    }
}
