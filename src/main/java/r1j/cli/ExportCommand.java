package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.gguf.GgufExport;
import r1j.gguf.GgufWriter;

/** {@code r1j export --gguf}: a model folder as one GGUF file that llama.cpp loads. */
@Command(name = "export", description = "Write a model folder (qwen2, qwen3, llama) as a GGUF file for llama.cpp.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The model folder (merge a LoRA adapter into it first: r1j merge).")
    Path model;

    @Option(names = "--gguf", required = true, description = "The GGUF file to write.")
    Path gguf;

    @Option(names = "--type", defaultValue = "F16", description = "F32, F16, BF16 or Q8_0 for the matrices (norms and biases stay F32).")
    GgufWriter.TensorType type;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(gguf) && !force) throw new UserError(gguf + " exists (--force overwrites it)");
        if (!Files.isDirectory(model)) throw new UserError(model + ": no such model folder");
        GgufExport.export(model, gguf, type);
        System.out.println(gguf + " (" + Files.size(gguf) + " bytes)");
        return 0;
    }
}
