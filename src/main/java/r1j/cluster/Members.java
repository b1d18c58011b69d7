package r1j.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;

/**
 * Hazelcast members as r1j starts them: a named cluster, joined over TCP/IP to the addresses given (no multicast, no
 * cloud discovery, no phoning home), optionally bound to one interface (127.0.0.1 in tests). Workers are full
 * members; the trainer joins as a lite member, which runs no tasks and owns no data.
 */
public final class Members {
    /** The cluster's name unless --cluster-name says otherwise: only members of the same name join each other. */
    public static final String DEFAULT_NAME = "r1j";

    private Members() {}

    public static HazelcastInstance start(String clusterName, int port, List<String> join, String bindInterface, boolean lite) {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setLiteMember(lite);
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A killed worker is noticed at its next heartbeat: a few seconds rather than the default minute.
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        if (bindInterface != null) c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(bindInterface);
        JoinConfig j = c.getNetworkConfig().getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true);
        for (String m : join) j.getTcpIpConfig().addMember(m);
        return Hazelcast.newHazelcastInstance(c);
    }
}
