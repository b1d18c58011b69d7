package r1j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import r1j.tensor.Parallel;
import r1j.tensor.VectorSupport;

/** {@code r1j version}: the version, the JVM, and the SIMD width the kernels use. */
@Command(name = "version", description = "Print the version, the JVM and the vector width in use.")
public final class VersionCommand implements Runnable {
    static final String VERSION = "0.1.0";

    @Override
    public void run() {
        System.out.println("r1j " + VERSION);
        System.out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println(VectorSupport.describe() + ", " + Parallel.threads() + " threads");
        for (String w : VectorSupport.warnings()) System.out.println("warning: " + w);
    }

    /** The version line of {@code r1j --version}: r1j's version and the JVM's. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"r1j " + VERSION};
        }
    }
}
