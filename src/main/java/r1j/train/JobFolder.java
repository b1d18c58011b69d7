package r1j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import r1j.io.AtomicFiles;

/**
 * The output folder of a job that is not a training run (cold start, rejection sampling, a pipeline's root): job.json
 * records the job and its settings, so the same command resumes or redoes its own folder while another job's folder
 * is never mixed into or replaced unless the user says so. One process writes it at a time (its {@link RunLock}).
 * Training runs pin their settings the same way in config.json (TrainingRun).
 */
public final class JobFolder {
    public static final String FILE = "job.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What to do with a folder that holds files but no job.json (made before job.json existed, or by hand). */
    public enum Unclaimed { REFUSE, ADOPT }

    private JobFolder() {}

    /**
     * Claims dir for the job (its "job" entry names the kind, the rest are settings). The folder's own job with the
     * same settings goes on; another job, or other settings, is refused naming the first difference — or, with force,
     * the outputs listed are deleted and the folder is this job's. A folder holding files but no job.json is refused
     * (unless force) or, with ADOPT, taken over as it is.
     */
    public static void claim(Path dir, Map<String, Object> job, boolean force, List<String> outputs, Unclaimed unclaimed) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " is a file, not a folder (--out)");
        Files.createDirectories(dir);
        RunLock.acquire(dir);
        Path file = dir.resolve(FILE);
        JsonNode now = JSON.readTree(JSON.writeValueAsString(job));
        String kind = job.get("job").toString();
        if (Files.isRegularFile(file)) {
            JsonNode before;
            try {
                before = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            String diff = firstDifference(before, now);
            if (diff != null && !force) {
                throw new IllegalArgumentException(dir + " holds the output of another " + before.path("job").asText("job") + " (" + diff
                        + "): choose another --out" + (outputs.isEmpty() ? ", or delete that folder" : ", or --force to replace its " + String.join(", ", outputs)));
            }
            if (diff != null) clear(dir, outputs);
        } else if (holdsFiles(dir) && unclaimed == Unclaimed.REFUSE) {
            if (!force) {
                throw new IllegalArgumentException(dir + " is not empty and no r1j " + kind + " wrote it (no " + FILE
                        + "): choose a new or empty --out, or --force to write " + String.join(", ", outputs) + " into it");
            }
            clear(dir, outputs);
        }
        AtomicFiles.writeString(file, JSON.writeValueAsString(now) + "\n");
    }

    /** "its seed is 1, this one's is 2", or null when the two jobs are the same. */
    static String firstDifference(JsonNode before, JsonNode now) {
        if (!before.path("job").equals(now.path("job"))) return "a " + before.path("job").asText("job of another kind") + ", not a " + now.path("job").asText();
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!now.get(f).equals(before.get(f))) return "its " + f + " is " + before.path(f) + ", this one's is " + now.get(f);
        }
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!now.has(f)) return "it has " + f + " " + before.get(f) + ", this one none";
        }
        return null;
    }

    private static boolean holdsFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> !p.getFileName().toString().equals(".lock"));
        }
    }

    private static void clear(Path dir, List<String> outputs) throws IOException {
        for (String o : outputs) TrainingRun.deleteTree(dir.resolve(o));
    }
}
