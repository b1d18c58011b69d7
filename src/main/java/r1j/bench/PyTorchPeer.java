package r1j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch as {@code r1j bench real}'s training peer, where a Python with torch is installed (Debian's python3-torch
 * with libopenblas0-pthread): the jar's bench_real.py, run in a process of its own with OPENBLAS_CORETYPE unset (the
 * environment pins a slow kernel for the tests' sake). Absent, the rows carry no peer.
 */
final class PyTorchPeer {
    /** PyTorch's version and its tokens/s per mode ("full", "lora"); empty when it did not run. */
    record Result(String version, Map<String, Double> tokensPerSecond) {
        boolean has(String mode) {
            return tokensPerSecond.containsKey(mode);
        }
    }

    private PyTorchPeer() {}

    static Result train(Path model, List<String> modes, int threads, int reps, PrintStream log) throws IOException {
        String python = python();
        if (python == null) {
            log.println("no PyTorch peer (no python3 that imports torch)");
            return new Result(null, Map.of());
        }
        Path script = Files.createTempFile("r1j-bench-real", ".py");
        try (InputStream in = PyTorchPeer.class.getResourceAsStream("bench_real.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--model", model.toString(),
                    "--modes", String.join(",", modes), "--threads", Integer.toString(threads), "--reps",
                    Integer.toString(reps), "--batch", Integer.toString(RealBench.TRAIN_BATCH), "--seq",
                    Integer.toString(RealBench.TRAIN_SEQ), "--lora-r", Integer.toString(RealBench.LORA_R)));
            log.println("PyTorch: " + String.join(" ", modes) + " training steps…");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().remove("OPENBLAS_CORETYPE");
            pb.environment().remove("OPENBLAS_L2_SIZE");
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                log.println("PyTorch peer failed (exit " + p.exitValue() + ")");
                return new Result(null, Map.of());
            }
            Map<String, Double> tps = new HashMap<>();
            String version = null;
            ObjectMapper json = new ObjectMapper();
            for (String line : out.split("\n")) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                tps.put(n.get("mode").asText(), n.get("tokens_per_s").asDouble());
                version = n.get("torch").asText();
            }
            return new Result(version, tps);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while PyTorch ran", e);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The first of python3 on the PATH and /usr/bin/python3 that imports torch, or null. */
    private static String python() {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) return py;
            } catch (IOException e) {
                // not installed here: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
