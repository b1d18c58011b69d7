package r1j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import r1j.tensor.VectorSupport;

/**
 * {@code r1j worker}: a Hazelcast member that samples GRPO's rollouts for trainers that join its cluster
 * (docs/cluster.md). It loads the run's base model from the path the trainer names, so every worker must be able to read
 * it; the weights training changes arrive before each step. Runs until killed.
 */
@Command(name = "worker", description = "A rollout worker: a member of a Hazelcast cluster that GRPO trainers send rollouts to.")
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "5701", description = "This member's port.")
    int port;

    @Option(names = "--join", split = ",", paramLabel = "HOST:PORT", description = "Members of the cluster to join (none: start one).")
    List<String> join = new ArrayList<>();

    @Option(names = "--cluster-name", defaultValue = "r1j", description = "The Hazelcast cluster's name.")
    String name;

    @Option(names = "--interface", description = "Bind to this address only (e.g. 127.0.0.1).")
    String bindInterface;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) throw new UserError("--port must be a port number, not " + port);
        VectorSupport.logOnce();
        var hz = r1j.cluster.Members.start(name, port, join, bindInterface, false);
        System.err.printf("r1j worker %s in cluster %s (%d members); waiting for rollouts%n", hz.getCluster().getLocalMember().getAddress(),
                name, hz.getCluster().getMembers().size());
        Thread.currentThread().join();
        return 0;
    }
}
