package r1j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import r1j.io.AtomicFiles;
import r1j.io.SafeTensors;
import r1j.tensor.AdamW;
import r1j.tensor.Parallel;
import r1j.tensor.Tensor;

/**
 * The run folder that every training job shares (pretraining, SFT, reward models, GRPO), and the one way they resume:
 * <ul>
 *   <li>{@code .lock}: one process writes the folder at a time ({@link RunLock}); a second is refused, naming the first.</li>
 *   <li>{@code config.json}: the settings the run uses. A run started again in the same folder must have every setting
 *   of the run except those its job allows to change (settings that change no result, such as how often to write a
 *   checkpoint); otherwise it refuses in one line that names the field. After the check the file holds the settings
 *   in use.</li>
 *   <li>{@code run.log}: the console, appended across resumes; {@code metrics.jsonl} (and other per-step logs such as
 *   GRPO's samples): one JSON row per step.</li>
 *   <li>{@code checkpoints/step-N}: the model folder(s), the AdamW moments ({@code optimizer.safetensors}) and the
 *   step and thread count ({@code trainer.json}). A checkpoint is written into a temporary folder and renamed into
 *   place, then {@code checkpoints/latest.txt} is moved to it: a half-written checkpoint is never the latest. The two
 *   newest are kept. Resuming restores the optimizer and the step, and drops log rows written after it.</li>
 *   <li>{@code final/}: the trained model, written the same atomic way, and {@code report.html}.</li>
 * </ul>
 */
public final class TrainingRun {
    /** Writes a trained model (with its tokenizer, or a reward model's head) as a folder. */
    @FunctionalInterface
    public interface Folder {
        void write(Path dir) throws IOException;
    }

    public static final String METRICS = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final PrintStream log;

    private TrainingRun(Path dir, PrintStream log) {
        this.dir = dir;
        this.log = log;
    }

    /**
     * Opens (or creates) the run folder for a job with these settings; mayChange names the settings a resume may
     * change (the record's component names, as in config.json); defaults are the settings type's defaults, which a
     * setting added to the type after the run began must have (it was then a fixed value of the code).
     */
    public static TrainingRun open(Path dir, Record config, Record defaults, Set<String> mayChange, PrintStream console) throws IOException {
        Files.createDirectories(dir);
        RunLock.acquire(dir);
        pinConfig(dir, config, defaults, mayChange);
        return new TrainingRun(dir, RunLog.tee(console, dir));
    }

    /** A model folder: the weights in float32 (training's own precision) and the tokenizer. */
    public static Folder modelFolder(r1j.model.Transformer model, r1j.tokenizer.Tokenizer tok) {
        return d -> {
            r1j.io.Checkpoint.save(model, d, r1j.io.DType.F32, Long.MAX_VALUE);
            tok.save(d);
        };
    }

    /**
     * A LoRA run's model folder: the adapter in PEFT's format (adapter_config.json naming its base,
     * adapter_model.safetensors) and the tokenizer; the frozen base is not copied.
     */
    public static Folder adapterFolder(r1j.model.Transformer model, r1j.tokenizer.Tokenizer tok, String base) {
        return d -> {
            model.lora().save(d, base);
            tok.save(d);
        };
    }

    /**
     * The model a job trains: the base in float32, every weight trainable; or, with a LoRA config, the base frozen
     * (16-bit weights stay 16-bit) with a new adapter, or the checkpoint's adapter when the run resumes.
     */
    public static r1j.model.Transformer trainee(Path base, Path checkpoint, r1j.model.LoraConfig lora, long seed) throws IOException {
        if (lora == null) return r1j.io.Checkpoint.load(checkpoint != null ? checkpoint : base, false);
        r1j.model.Transformer m = r1j.io.Checkpoint.loadFrozen(base);
        if (checkpoint != null) r1j.model.Lora.load(checkpoint, m);
        else r1j.model.Lora.init(m, lora, seed);
        return m;
    }

    public Path dir() {
        return dir;
    }

    /** The console, copied into run.log. */
    public PrintStream log() {
        return log;
    }

    /** The latest complete checkpoint, or null when the run starts afresh. */
    public Path latestCheckpoint() throws IOException {
        Path p = dir.resolve("checkpoints").resolve("latest.txt");
        return Files.isRegularFile(p) ? dir.resolve("checkpoints").resolve(Files.readString(p).trim()) : null;
    }

    /**
     * Restores the optimizer state of checkpoint ck (null: none yet, the run starts at step 0) into opt (built over params, whose values the job has loaded from
     * ck), drops the rows of the run's JSONL logs past its step, and returns that step. Says on the log when ck was
     * written at another thread count: the work splits follow it, so the resumed run is valid but not bit-identical.
     */
    public long resume(Path ck, List<Tensor> params, AdamW opt, String... logs) throws IOException {
        if (ck == null) {
            // A fresh start: rows a stopped run logged before its first checkpoint are not part of this run.
            truncate(METRICS, 0);
            for (String f : logs) truncate(f, 0);
            return 0;
        }
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
        JsonNode trainer = JSON.readTree(ck.resolve("trainer.json").toFile());
        int threads = trainer.path("threads").asInt(0), now = Parallel.threads();
        if (threads > 0 && threads != now) {
            log.printf("warning: %s was written with %d threads and this run has %d (R1J_THREADS): it resumes, but its "
                    + "sums run in another order, so it will not be bit-identical to an uninterrupted run%n", ck, threads, now);
        }
        long step = trainer.get("step").asLong();
        truncate(METRICS, step);
        for (String f : logs) truncate(f, step);
        log.printf("resuming from %s (step %d)%n", ck, step);
        return step;
    }

    /** Appends one row to metrics.jsonl. */
    public void metrics(Map<String, Object> row) throws IOException {
        append(METRICS, row);
        if (row.get("step") instanceof Number n) KillPoint.reach(KillPoint.METRICS, n.longValue());
    }

    /** Appends one JSON row to a JSONL log of the run folder. */
    public void append(String file, Map<String, Object> row) throws IOException {
        Path p = dir.resolve(file);
        try {
            Files.writeString(p, JSON.writeValueAsString(row) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(p + ": " + e.getMessage() + " (a resume drops the half-written row)", e);
        }
    }

    /**
     * Writes checkpoint step-N: model into the checkpoint folder itself, each of extras into a subfolder of its name
     * (GRPO's reference), then the optimizer state of params.
     */
    public void checkpoint(long step, Folder model, Map<String, Folder> extras, List<Tensor> params, AdamW opt) throws IOException {
        try {
            writeCheckpoint(step, model, extras, params, opt);
        } catch (IOException e) {
            // A full or read-only disk: the checkpoints already complete are untouched (written aside, renamed into place);
            // the partial one is removed to give its space back.
            try {
                deleteTree(dir.resolve("checkpoints").resolve(String.format(".tmp-step-%07d", step)));
            } catch (IOException ignored) {
                // a read-only disk keeps it; the next checkpoint of that step replaces it
            }
            Path last = latestCheckpoint();
            throw new IOException(String.format("checkpoint step-%07d not written (%s); %s", step, r1j.io.IoErrors.describe(e),
                    last != null ? "the last complete one, " + last + ", is kept and the same command resumes from it" : "no checkpoint yet"), e);
        }
    }

    private void writeCheckpoint(long step, Folder model, Map<String, Folder> extras, List<Tensor> params, AdamW opt) throws IOException {
        for (Tensor p : params) {
            for (float x : p.data) {
                if (!Float.isFinite(x)) {
                    throw new NumericGuard.Fault("weights are not finite at step " + step + " (" + p.name() + " holds " + x
                            + "): checkpoint not written; resume from the last checkpoint with a lower --lr");
                }
            }
        }
        Path ckDir = dir.resolve("checkpoints");
        String name = String.format("step-%07d", step);
        Path tmp = ckDir.resolve(".tmp-" + name), dst = ckDir.resolve(name);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        model.write(tmp);
        for (var e : extras.entrySet()) e.getValue().write(tmp.resolve(e.getKey()));
        KillPoint.reach(KillPoint.CHECKPOINT_PARTIAL, step);
        Map<String, SafeTensors.Item> state = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            state.put("m." + params.get(i).name(), new SafeTensors.Item(opt.firstMoments()[i], params.get(i).shape()));
            state.put("v." + params.get(i).name(), new SafeTensors.Item(opt.secondMoments()[i], params.get(i).shape()));
        }
        SafeTensors.write(tmp.resolve("optimizer.safetensors"), state, r1j.io.DType.F32, Map.of("adam_steps", Long.toString(opt.steps())));
        AtomicFiles.writeString(tmp.resolve("trainer.json"), "{\"step\": " + step + ", \"threads\": " + Parallel.threads() + "}\n");
        deleteTree(dst);
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
        KillPoint.reach(KillPoint.CHECKPOINT_UNLISTED, step);
        AtomicFiles.writeString(ckDir.resolve("latest.txt"), name + "\n");
        try (var s = Files.list(ckDir)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
            for (int i = 0; i + 2 < all.size(); i++) deleteTree(all.get(i));
        }
    }

    /** Writes the trained model to final/ (into a temporary folder renamed into place) and the report; returns final/. */
    public Path finish(Folder model) throws IOException {
        Path fin = dir.resolve("final"), tmp = dir.resolve(".tmp-final");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        model.write(tmp);
        deleteTree(fin);
        Files.move(tmp, fin, StandardCopyOption.ATOMIC_MOVE);
        r1j.report.Html.write(List.of(dir), dir.resolve("report.html"));
        return fin;
    }

    /**
     * Writes config.json, or, when the folder already holds a run, checks that every setting outside mayChange is the
     * same (so that the same command resumes it and another one does not silently mix with it) and then writes the
     * settings in use.
     */
    static void pinConfig(Path dir, Record config, Record defaults, Set<String> mayChange) throws IOException {
        Path file = dir.resolve("config.json");
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        // Through text, as config.json is read: a float setting then compares equal to the double read back.
        JsonNode now = mapper.readTree(mapper.writeValueAsString(config));
        JsonNode initial = mapper.readTree(mapper.writeValueAsString(defaults));
        if (Files.exists(file)) {
            JsonNode before = mapper.readTree(file.toFile());
            for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (mayChange.contains(f) || now.get(f).equals(before.get(f)) || sameEnum(mapper, config, f, before.get(f))) continue;
                // A setting added after the run began, at its default (the value the code then fixed), changes nothing.
                if (before.get(f) == null && now.get(f).equals(initial.get(f))) continue;
                throw new IllegalArgumentException(dir + " holds a run whose " + f + " is "
                        + (before.has(f) ? before.get(f) : "absent (the default then, " + initial.get(f) + ")")
                        + ", and this one has " + now.get(f) + ": resume with the same settings, or choose another --out");
            }
        }
        AtomicFiles.writeString(file, mapper.writeValueAsString(now) + "\n");
    }

    /**
     * Whether the written value of an enum setting reads as the same constant (a setting whose earlier form was a
     * boolean, as dynamic_sampling was before refill, is read through its enum's creator).
     */
    private static boolean sameEnum(ObjectMapper mapper, Record config, String field, JsonNode before) {
        if (before == null) return false;
        for (var c : config.getClass().getRecordComponents()) {
            if (!c.getName().equals(field) || !c.getType().isEnum()) continue;
            try {
                return mapper.treeToValue(before, c.getType()) == c.getAccessor().invoke(config);
            } catch (ReflectiveOperationException | IllegalArgumentException | JsonProcessingException e) {
                return false;
            }
        }
        return false;
    }

    /** Drops the rows of a JSONL log past a step (written after the checkpoint, before a crash) and a half-written last line. */
    private void truncate(String name, long step) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) return;
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            try {
                if (JSON.readTree(line).path("step").asLong() <= step) keep.add(line);
            } catch (JsonProcessingException e) {
                // the line a kill cut in half
            }
        }
        AtomicFiles.writeString(file, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
