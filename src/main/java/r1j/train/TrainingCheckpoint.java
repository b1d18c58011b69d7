package r1j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import r1j.io.AtomicFiles;
import r1j.io.Checkpoint;
import r1j.io.DType;
import r1j.io.SafeTensors;
import r1j.model.Transformer;
import r1j.tensor.AdamW;
import r1j.tensor.Tensor;
import r1j.tokenizer.Tokenizer;

/**
 * The checkpoints of every training job (pretraining, SFT, GRPO): under checkpoints/step-N a model folder with its
 * tokenizer, the AdamW moments (optimizer.safetensors) and the step (trainer.json), plus any extra model folders a job
 * needs (GRPO's reference). A checkpoint is written into a temporary folder and renamed into place, then
 * checkpoints/latest.txt is moved to it: a half-written checkpoint is never the latest. The two newest are kept.
 */
public final class TrainingCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingCheckpoint() {}

    /** The latest complete checkpoint under ckDir, or null. */
    public static Path latest(Path ckDir) throws IOException {
        Path p = ckDir.resolve("latest.txt");
        return Files.isRegularFile(p) ? ckDir.resolve(Files.readString(p).trim()) : null;
    }

    public static void save(Transformer model, AdamW opt, Tokenizer tok, Path ckDir, long step, Map<String, Transformer> extras)
            throws IOException {
        String name = String.format("step-%07d", step);
        Path tmp = ckDir.resolve(".tmp-" + name), dst = ckDir.resolve(name);
        deleteTree(tmp);
        Checkpoint.save(model, tmp, DType.F32, Long.MAX_VALUE);
        tok.save(tmp);
        for (var e : extras.entrySet()) Checkpoint.save(e.getValue(), tmp.resolve(e.getKey()), DType.F32, Long.MAX_VALUE);
        Map<String, SafeTensors.Item> state = new LinkedHashMap<>();
        List<Tensor> params = model.trainable();
        for (int i = 0; i < params.size(); i++) {
            state.put("m." + params.get(i).name(), new SafeTensors.Item(opt.firstMoments()[i], params.get(i).shape()));
            state.put("v." + params.get(i).name(), new SafeTensors.Item(opt.secondMoments()[i], params.get(i).shape()));
        }
        SafeTensors.write(tmp.resolve("optimizer.safetensors"), state, DType.F32, Map.of("adam_steps", Long.toString(opt.steps())));
        AtomicFiles.writeString(tmp.resolve("trainer.json"), "{\"step\": " + step + ", \"threads\": " + r1j.tensor.Parallel.threads() + "}\n");
        deleteTree(dst);
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.writeString(ckDir.resolve("latest.txt"), name + "\n");
        try (var s = Files.list(ckDir)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
            for (int i = 0; i + 2 < all.size(); i++) deleteTree(all.get(i));
        }
    }

    /**
     * Restores the optimizer of a checkpoint into opt (built over model's parameters) and returns its step. Says on log
     * when the checkpoint was written at another thread count: the work splits follow it, so the resumed run is valid
     * but no longer bit-identical to an uninterrupted one.
     */
    public static long restore(Path ck, Transformer model, AdamW opt, PrintStream log) throws IOException {
        List<Tensor> params = model.trainable();
        float[][] m = new float[params.size()][], v = new float[params.size()][];
        long adamSteps;
        try (SafeTensors st = SafeTensors.open(ck.resolve("optimizer.safetensors"))) {
            for (int i = 0; i < params.size(); i++) {
                m[i] = st.read("m." + params.get(i).name());
                v[i] = st.read("v." + params.get(i).name());
            }
            adamSteps = Long.parseLong(st.metadata().get("adam_steps"));
        }
        opt.restore(adamSteps, m, v);
        var trainer = JSON.readTree(ck.resolve("trainer.json").toFile());
        int threads = trainer.path("threads").asInt(0), now = r1j.tensor.Parallel.threads();
        if (threads > 0 && threads != now) {
            log.printf("warning: %s was written with %d threads and this run has %d (R1J_THREADS): it resumes, but its "
                    + "sums run in another order, so it will not be bit-identical to an uninterrupted run%n", ck, threads, now);
        }
        return trainer.get("step").asLong();
    }

    /**
     * Writes the run's resolved settings to out/config.json, or, when the folder already holds a run, checks that it
     * is the same run (so that the same command resumes it and another one does not silently mix with it).
     */
    public static <T> void pinConfig(Path out, T config, Class<T> type, java.util.function.BiPredicate<T, T> sameRun)
            throws IOException {
        Path file = out.resolve("config.json");
        var mapper = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        if (Files.exists(file)) {
            T prev = mapper.readValue(file.toFile(), type);
            if (!sameRun.test(prev, config)) {
                throw new IllegalArgumentException(out + " holds a run with other settings (" + file + "); choose another --out or delete it");
            }
        } else {
            AtomicFiles.writeString(file, mapper.writeValueAsString(config) + "\n");
        }
    }

    /**
     * Drops the rows of a JSONL log past the step a resume starts from (written after the checkpoint, before a
     * crash), and a last line a kill cut in half.
     */
    public static void truncateMetrics(Path file, long step) throws IOException {
        if (!Files.isRegularFile(file)) return;
        List<String> keep = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            try {
                if (JSON.readTree(line).path("step").asLong() <= step) keep.add(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // a partial row
            }
        }
        AtomicFiles.writeString(file, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
    }

    /** Appends one JSON row to a JSONL log. */
    public static void appendRow(Path file, Map<String, Object> row) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(row) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
