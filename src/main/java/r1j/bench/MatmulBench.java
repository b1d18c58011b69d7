package r1j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import r1j.tensor.Gemm;
import r1j.tensor.Parallel;

/**
 * {@code r1j bench matmul}: GFLOP/s of r1j's {@link Gemm} per shape, layout and thread count, next to OpenBLAS's
 * cblas_sgemm on the same shapes when a libopenblas is installed. OpenBLAS runs in a child JVM whose environment
 * drops OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, so it picks its best kernel for this CPU (the name is printed).
 */
public final class MatmulBench {
    /** One matmul shape's throughput, r1j's and OpenBLAS's (when the peer ran) in GFLOP/s. */
    public record Row(String shape, String layout, int threads, double gflops, Double openblasGflops) {}

    private final List<MatmulShape> shapes;
    private final List<Integer> threads;
    private final int reps;
    private final double minSeconds;
    private String openblasCore;

    public MatmulBench(List<MatmulShape> shapes, List<Integer> threads, int reps, double minSeconds) {
        this.shapes = shapes;
        this.threads = threads;
        this.reps = reps;
        this.minSeconds = minSeconds;
    }

    public static List<MatmulShape> defaultShapes() {
        List<MatmulShape> out = new ArrayList<>();
        for (int[] s : MatmulShape.DEFAULT_SHAPES) {
            for (String l : MatmulShape.LAYOUTS) out.add(new MatmulShape(s[0], s[1], s[2], l));
        }
        return out;
    }

    /** The core type OpenBLAS chose, or null when it did not run. */
    public String openblasCore() {
        return openblasCore;
    }

    public List<Row> run(boolean withOpenBlas) throws IOException, InterruptedException {
        Map<String, Double> blas = withOpenBlas ? runOpenBlas() : Map.of();
        List<Row> rows = new ArrayList<>();
        warmUp();
        for (MatmulShape s : shapes) {
            float[] a = randomMatrix(s.m() * s.k(), 1);
            float[] b = randomMatrix(s.n() * s.k(), 2);
            float[] c = new float[s.m() * s.n()];
            for (int t : threads) {
                double[] sec = new double[1];
                Parallel.withThreads(t, () -> sec[0] = Timing.medianSeconds(() -> Gemm.gemm(s.m(), s.n(), s.k(),
                        new Gemm.Operand(a, 0, s.lda(), s.transA()), new Gemm.Operand(b, 0, s.ldb(), s.transB()),
                        Gemm.Operand.of(c, 0, s.n()), false), reps, minSeconds));
                rows.add(new Row(s.shape(), s.layout(), t, s.flops() / sec[0] / 1e9, blas.get(key(s.shape(), s.layout(), t))));
            }
        }
        return rows;
    }

    /** Compiles every kernel path before anything is timed, so the first row is not charged for the JIT. */
    private static void warmUp() {
        MatmulShape[] shapes = {new MatmulShape(512, 256, 512, "NT"), new MatmulShape(512, 256, 512, "NN"),
            new MatmulShape(512, 256, 512, "TN")};
        float[] a = randomMatrix(512 * 512, 3), b = randomMatrix(512 * 512, 4), c = new float[512 * 512];
        long end = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < end) {
            for (MatmulShape s : shapes) {
                Gemm.gemm(s.m(), s.n(), s.k(), new Gemm.Operand(a, 0, s.lda(), s.transA()),
                        new Gemm.Operand(b, 0, s.ldb(), s.transB()), Gemm.Operand.of(c, 0, s.n()), false);
            }
        }
    }

    private static String key(String shape, String layout, int threads) {
        return shape + ":" + layout + ":" + threads;
    }

    private Map<String, Double> runOpenBlas() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OpenBlasWorker.class.getName());
        cmd.add(Integer.toString(reps));
        cmd.add(Double.toString(minSeconds));
        StringBuilder ts = new StringBuilder();
        for (int t : threads) ts.append(ts.isEmpty() ? "" : ",").append(t);
        cmd.add(ts.toString());
        for (MatmulShape s : shapes) cmd.add(s.shape() + ":" + s.layout());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        Process p = pb.start();
        Map<String, Double> out = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = json.readTree(line);
                if (n.has("error")) return out;
                if (n.has("core")) {
                    openblasCore = n.get("core").asText();
                    continue;
                }
                out.put(key(n.get("shape").asText(), n.get("layout").asText(), n.get("threads").asInt()),
                        n.get("gflops").asDouble());
            }
        }
        p.waitFor();
        return out;
    }

    static float[] randomMatrix(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    public static Map<String, Object> toJson(Row r, String core) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", r.shape());
        m.put("layout", r.layout());
        m.put("op", MatmulShape.describe(r.layout()));
        m.put("threads", r.threads());
        m.put("gflops", round(r.gflops()));
        m.put("openblas_gflops", r.openblasGflops() == null ? null : round(r.openblasGflops()));
        m.put("ratio", r.openblasGflops() == null ? null : round(r.gflops() / r.openblasGflops()));
        m.put("openblas_core", core);
        return m;
    }

    static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
