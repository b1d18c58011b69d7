package r1j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Child process of {@code r1j bench matmul}: times OpenBLAS on the given shapes and prints one JSON row per
 * measurement ({"shape","layout","threads","gflops"}) after a first row {"core": name}. Arguments: reps,
 * minSeconds, a comma-separated thread list, then shapes as MxNxK:LAYOUT.
 */
public final class OpenBlasWorker {
    private OpenBlasWorker() {}

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Optional<OpenBlas> lib = OpenBlas.load();
        if (lib.isEmpty()) {
            System.out.println(json.writeValueAsString(Map.of("error", "no libopenblas found")));
            return;
        }
        int reps = Integer.parseInt(args[0]);
        double minSeconds = Double.parseDouble(args[1]);
        String[] threads = args[2].split(",");
        try (OpenBlas blas = lib.get()) {
            System.out.println(json.writeValueAsString(Map.of("core", blas.coreName())));
            for (int a = 3; a < args.length; a++) {
                String[] sl = args[a].split(":");
                String[] d = sl[0].split("x");
                MatmulShape s = new MatmulShape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]), sl[1]);
                MemorySegment ma = blas.allocate(MatmulBench.randomMatrix(s.m() * s.k(), 1));
                MemorySegment mb = blas.allocate(MatmulBench.randomMatrix(s.n() * s.k(), 2));
                MemorySegment mc = blas.allocate(new float[s.m() * s.n()]);
                for (String t : threads) {
                    blas.setThreads(Integer.parseInt(t));
                    double sec = Timing.medianSeconds(() -> blas.sgemm(s, ma, mb, mc), reps, minSeconds);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("shape", s.shape());
                    row.put("layout", s.layout());
                    row.put("threads", Integer.parseInt(t));
                    row.put("gflops", s.flops() / sec / 1e9);
                    System.out.println(json.writeValueAsString(row));
                }
            }
        }
    }
}
