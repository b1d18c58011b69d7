package r1j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.io.Checkpoint;
import r1j.model.Transformer;
import r1j.tensor.Grad;
import r1j.tensor.Softmax;
import r1j.tensor.Tensor;
import r1j.tokenizer.Tokenizer;

/**
 * {@code r1j logprobs}: per input row, log p(x[t+1] | x[0..t]) for every position (and optionally the full logits),
 * for comparing r1j with other implementations on the same checkpoint.
 */
@Command(name = "logprobs", description = "Next-token log-probabilities (and logits) of each JSONL row's input_ids.")
public final class LogprobsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model folder (config.json + safetensors).")
    Path model;

    @Option(names = "--data", required = true, description = "JSONL rows with input_ids (or text, with a tokenizer).")
    Path data;

    @Option(names = "--out", description = "Write the rows here instead of stdout.")
    Path out;

    @Option(names = "--logits", description = "Also write the full logits [n][vocab].")
    boolean logits;

    @Option(names = "--strict", description = "Refuse tensors the config does not expect.")
    boolean strict;

    @Override
    public Integer call() throws IOException {
        Transformer m = Checkpoint.load(model, strict);
        List<Jsonl.Row> rows = Jsonl.read(data);
        if (rows.isEmpty()) throw new UserError(data + ": no rows");
        PrintStream ps = out == null ? System.out
                : new PrintStream(Files.newOutputStream(out), false, StandardCharsets.UTF_8);
        Tokenizer tok = Files.isRegularFile(model.resolve("tokenizer.json")) ? Tokenizer.load(model) : null;
        try (var ignored = Grad.noGrad()) {
            for (Jsonl.Row row : rows) {
                int[] ids;
                if (row.node().has("input_ids")) {
                    ids = row.intArray("input_ids");
                } else if (row.node().has("text")) {
                    if (tok == null) throw row.error("'text' needs a tokenizer.json in " + model + ": give input_ids");
                    ids = tok.encode(row.field("text").asText(), false);
                } else {
                    throw row.error("missing field 'input_ids' (or 'text')");
                }
                if (ids.length == 0) throw row.error("input_ids is empty");
                for (int id : ids) {
                    if (id < 0 || id >= m.config().vocab_size()) {
                        throw row.error("token id " + id + " outside the vocabulary of " + m.config().vocab_size());
                    }
                }
                Tensor lg = m.forward(ids, 1, ids.length);
                int[] next = new int[ids.length];
                for (int t = 0; t < ids.length; t++) next[t] = t + 1 < ids.length ? ids[t + 1] : -1;
                float[] lp = Softmax.tokenLogProbs(lg, next).data;
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("logprobs", java.util.Arrays.copyOf(lp, ids.length - 1));
                if (logits) {
                    int v = lg.cols();
                    float[][] rowsOut = new float[ids.length][];
                    for (int t = 0; t < ids.length; t++) rowsOut[t] = java.util.Arrays.copyOfRange(lg.data, t * v, (t + 1) * v);
                    o.put("logits", rowsOut);
                }
                ps.println(Jsonl.write(o));
            }
        } finally {
            if (out != null) ps.close();
        }
        return 0;
    }
}
