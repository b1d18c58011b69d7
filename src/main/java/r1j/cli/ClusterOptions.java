package r1j.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a Hazelcast cluster of r1j workers is and how to join it (r1j worker, and GRPO with --cluster). */
public final class ClusterOptions {
    @Option(names = "--cluster", split = ",", paramLabel = "HOST:PORT",
            description = "Sample rollouts on the r1j workers of the Hazelcast cluster at these addresses (docs/cluster.md).")
    List<String> cluster = new ArrayList<>();

    @Option(names = "--cluster-workers", defaultValue = "1", description = "Workers to wait for before the first step.")
    int minWorkers;

    @Option(names = "--cluster-name", defaultValue = "r1j", description = "The Hazelcast cluster's name.")
    String name;

    @Option(names = "--cluster-port", defaultValue = "5710", description = "This member's port.")
    int port;

    @Option(names = "--cluster-interface", description = "Bind to this address only (e.g. 127.0.0.1).")
    String bindInterface;

    @Option(names = "--cluster-timeout", defaultValue = "120", description = "Seconds to wait for the workers.")
    int timeoutSeconds;

    boolean enabled() {
        return !cluster.isEmpty();
    }

    /** The cluster's workers as the sampler of spec's model, or null without --cluster (sampling stays in this JVM). */
    r1j.generate.Rollouts connect(r1j.cluster.ModelSpec spec, r1j.tokenizer.Tokenizer tok) throws InterruptedException {
        check();
        if (!enabled()) return null;
        try {
            return r1j.cluster.ClusterRollouts.connect(new r1j.cluster.ClusterRollouts.Connection(name, cluster, bindInterface, port,
                    minWorkers, timeoutSeconds), spec, tok, System.err);
        } catch (NoClassDefFoundError e) {
            throw new UserError("--cluster needs Hazelcast on the class path (./r1j adds target/cluster-lib for it): " + e.getMessage());
        }
    }

    void check() {
        if (minWorkers < 1) throw new UserError("--cluster-workers must be at least 1");
        if (port < 0 || port > 65535) throw new UserError("--cluster-port must be a port number, not " + port);
        if (timeoutSeconds < 1) throw new UserError("--cluster-timeout must be at least 1 second");
        for (String a : cluster) {
            if (!a.matches("[^:\\s]+(:\\d{1,5})?")) throw new UserError("--cluster: '" + a + "' is not HOST or HOST:PORT");
        }
    }
}
