package r1j.tensor;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * What SIMD the kernels get. The Vector API is only fast when C2 compiles it to vector instructions; on an
 * interpreter, a C1-only JVM or with vector support switched off it runs ~100× slower, so that is said loudly.
 */
public final class VectorSupport {
    private static boolean logged;

    private VectorSupport() {}

    public static String describe() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return "vector width " + bits + " bits (" + (bits / 32) + " floats)";
    }

    /** Reasons the kernels will be slow, empty when all is well. */
    public static List<String> warnings() {
        List<String> w = new ArrayList<>();
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String a : args) {
            if (a.equals("-Xint")) w.add("the JVM runs interpreted (-Xint): kernels are ~100× slower");
            if (a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4")) {
                w.add("C2 is disabled (" + a + "): the Vector API is not intrinsified, kernels are ~100× slower");
            }
            if (a.equals("-XX:-EnableVectorSupport")) w.add("vector support is disabled: kernels are ~100× slower");
        }
        var compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null) w.add("no JIT compiler: kernels are ~100× slower");
        if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 128) {
            w.add("no SIMD registers found for the Vector API: kernels run as scalar code");
        }
        return w;
    }

    /** Logs the width and any warning to stderr once per process (at the start of compute commands). */
    public static synchronized void logOnce() {
        if (logged) return;
        logged = true;
        System.err.println("r1j: " + describe() + ", " + Parallel.threads() + " threads");
        for (String s : warnings()) System.err.println("r1j: WARNING: " + s);
    }
}
