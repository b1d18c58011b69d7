package r1j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.serve.OpenAiServer;
import r1j.tensor.VectorSupport;

/** {@code r1j serve}: the model behind an OpenAI-compatible HTTP API until interrupted. */
@Command(name = "serve", description = "Serve a model over the OpenAI API (/v1/chat/completions, /v1/completions, /v1/models, /health).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model folder with its tokenizer and chat template.")
    Path model;

    @Option(names = "--adapter", description = "A LoRA adapter folder (PEFT's format) to apply.")
    Path adapter;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to bind (loopback unless told otherwise).")
    String host;

    @Option(names = "--port", defaultValue = "8000")
    int port;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' (default: R1J_API_KEY, else none).")
    String apiKey = System.getenv("R1J_API_KEY");

    @Option(names = "--name", description = "The model id clients ask for (default: the folder's name).")
    String name;

    @Option(names = "--max-context", description = "Prompt plus completion tokens (default: max_position_embeddings).")
    Integer maxContext;

    @Option(names = "--max-batch", defaultValue = "32", description = "Sequences decoded together (all requests' samples).")
    int maxBatch;

    @Option(names = "--raw-reasoning", description = "Return the think block inside content instead of reasoning_content.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        VectorSupport.logOnce();
        String id = name != null ? name : model.toAbsolutePath().normalize().getFileName().toString();
        try (OpenAiServer s = OpenAiServer.of(model, adapter, new OpenAiServer.Settings(id, apiKey, maxContext != null ? maxContext : 0,
                raw, maxBatch), host, port)) {
            System.err.printf("r1j: serving %s on http://%s:%d/v1 (%s)%n", id, host, s.port(), apiKey == null ? "no API key" : "API key required");
            Thread.currentThread().join();
        }
        return 0;
    }
}
