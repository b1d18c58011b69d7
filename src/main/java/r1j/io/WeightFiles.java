package r1j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model folder's weights as one set of named tensors, whether they are in model.safetensors or in the shards that
 * model.safetensors.index.json maps (as the Hub stores models over a few GB). Every shard is memory-mapped when the
 * weights are opened (its header validated then), and all are closed together.
 */
public final class WeightFiles implements AutoCloseable {
    private final Map<String, Path> fileOf;
    private final Map<Path, SafeTensors> open = new LinkedHashMap<>();

    private WeightFiles(Map<String, Path> fileOf) {
        this.fileOf = fileOf;
    }

    /** The folder's weights: the index's weight_map when there is one, else every tensor of model.safetensors. */
    public static WeightFiles open(Path dir) throws IOException {
        WeightFiles w = new WeightFiles(index(dir));
        try {
            for (Path f : new java.util.LinkedHashSet<>(w.fileOf.values())) w.open.put(f, SafeTensors.open(f));
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        for (var e : w.fileOf.entrySet()) {
            if (!w.open.get(e.getValue()).entries().containsKey(e.getKey())) {
                w.close();
                throw new IllegalArgumentException(e.getValue() + ": no tensor '" + e.getKey() + "', which the index maps to it");
            }
        }
        return w;
    }

    /** Which file holds each tensor: the index's weight_map, or every tensor of model.safetensors. */
    static Map<String, Path> index(Path dir) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        Path index = dir.resolve(Checkpoint.INDEX);
        if (Files.isRegularFile(index)) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(index.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(index + ": not valid JSON");
            }
            JsonNode map = root == null ? null : root.get("weight_map");
            if (map == null || !map.isObject()) throw new IllegalArgumentException(index + ": no weight_map object");
            for (var e : map.properties()) out.put(e.getKey(), dir.resolve(e.getValue().asText()));
            for (Path p : new HashSet<>(out.values())) {
                if (!Files.isRegularFile(p)) throw new IllegalArgumentException(index + ": shard " + p.getFileName() + " is missing");
            }
            return out;
        }
        Path single = dir.resolve(Checkpoint.WEIGHTS);
        if (!Files.isRegularFile(single)) throw new IllegalArgumentException(dir + ": no " + Checkpoint.WEIGHTS + " or " + Checkpoint.INDEX);
        try (SafeTensors st = SafeTensors.open(single)) {
            for (String name : st.entries().keySet()) out.put(name, single);
        }
        return out;
    }

    /** Every tensor's name. */
    public Set<String> names() {
        return Collections.unmodifiableSet(fileOf.keySet());
    }

    /** The file that holds a tensor (a shard, or model.safetensors), or null. */
    public Path fileOf(String name) {
        return fileOf.get(name);
    }

    /** A tensor's values in float32, from the file that holds it. */
    public float[] read(String name) {
        Path f = fileOf.get(name);
        if (f == null) throw new IllegalArgumentException("no tensor '" + name + "' in the weights");
        return open.get(f).read(name);
    }

    @Override
    public void close() {
        for (SafeTensors st : open.values()) st.close();
        open.clear();
    }
}
