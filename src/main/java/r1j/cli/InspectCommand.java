package r1j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.model.MemoryPlan;
import r1j.model.ModelConfig;

/**
 * {@code r1j inspect}: a model folder's architecture, size and stored dtype, and the memory each job needs against
 * the heap this JVM was given, without loading the weights.
 */
@Command(name = "inspect", description = "Describe a model folder and the memory each job needs, without loading it.")
public final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--batch", defaultValue = "16", description = "Sequences decoded together (eval, GRPO rollouts).")
    int batch;

    @Option(names = "--context", defaultValue = "2048", description = "Tokens per sequence (prompt and completion).")
    int context;

    @Option(names = "--tokens", defaultValue = "4096", description = "Tokens per training micro-batch.")
    int tokens;

    @Option(names = "--json", description = "One JSON object per job on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (batch <= 0 || context <= 0 || tokens <= 0) throw new UserError("--batch, --context and --tokens must be positive");
        ModelConfig c = ModelConfig.read(model.resolve(Checkpoint.CONFIG));
        DType stored = storedDtype(model);
        MemoryPlan plan = new MemoryPlan(c, stored.bytes);
        long heap = Runtime.getRuntime().maxMemory();
        if (!json) {
            System.out.printf("%s: %d layers, hidden %d, vocab %d, %,d parameters stored as %s%n", c.model_type(),
                    c.num_hidden_layers(), c.hidden_size(), c.vocab_size(), plan.parameters(), stored);
            System.out.printf("heap: %s (R1J_JAVA_OPTS=-Xmx… changes it)%n", MemoryPlan.gb(heap));
        }
        for (MemoryPlan.Need n : plan.needs(batch, context, tokens)) {
            boolean fits = n.bytes() < heap;
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("job", n.job());
                row.put("bytes", n.bytes());
                row.put("heap_bytes", heap);
                row.put("fits", fits);
                row.put("parts", n.parts());
                System.out.println(r1j.data.Jsonl.mapper().writeValueAsString(row));
            } else {
                System.out.printf("%-22s %10s  %s  (%s)%n", n.job(), MemoryPlan.gb(n.bytes()),
                        fits ? "fits" : "does not fit: set R1J_JAVA_OPTS=-Xmx" + (n.bytes() / (1L << 30) + 2) + "g", n.parts());
            }
        }
        return 0;
    }

    /** The dtype of the first projection weight in the folder's (first) weights file. */
    private static DType storedDtype(Path dir) throws java.io.IOException {
        Path file = dir.resolve(Checkpoint.WEIGHTS);
        if (!java.nio.file.Files.isRegularFile(file)) {
            try (var s = java.nio.file.Files.list(dir)) {
                file = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().findFirst()
                        .orElseThrow(() -> new UserError(dir + ": no .safetensors weights"));
            }
        }
        try (SafeTensors st = SafeTensors.open(file)) {
            for (var e : st.entries().values()) if (e.shape().length == 2) return e.dtype();
        }
        return DType.F32;
    }
}
