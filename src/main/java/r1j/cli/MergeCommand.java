package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.io.Checkpoint;

/** {@code r1j merge}: folds a LoRA adapter into its base, giving a full checkpoint in the base's dtype. */
@Command(name = "merge", description = "Fold a LoRA adapter (PEFT's format) into its base model: a full checkpoint.")
public final class MergeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The base model folder the adapter was trained on.")
    Path model;

    @Option(names = "--adapter", required = true, description = "The adapter folder (adapter_config.json, adapter_model.safetensors).")
    Path adapter;

    @Option(names = "--out", required = true, description = "The merged model folder to write.")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing model folder.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out.resolve(Checkpoint.CONFIG)) && !force) throw new UserError(out + " already holds a model (--force overwrites it)");
        if (!Files.isDirectory(adapter)) throw new UserError(adapter + ": no such adapter folder");
        Checkpoint.mergeLora(model, adapter, out);
        System.out.println(out);
        return 0;
    }
}
