package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.trust.SerialFilter;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.internal.trust.ClusterKey;
import org.slf4j.LoggerFactory;

/** Turns a {@link GridConfig} into Hazelcast configuration and engine settings. */
public final class NodeBootstrap {

    private NodeBootstrap() {
    }

    /**
     * A member config: TCP/IP join on the configured members, no multicast, Canopy's structures, and
     * Hazelcast's Java serialization filter on ({@link SerialFilter}, plus {@code serialAllow}).
     */
    public static Config memberConfig(GridConfig grid) {
        grid.validate();
        Config config = new Config();
        config.setClusterName(grid.clusterName());
        config.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(Math.max(1, grid.heartbeatInterval().toSeconds())));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(Math.max(2, grid.maxNoHeartbeat().toSeconds())));
        config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(grid.port()).setPortAutoIncrement(grid.portAutoIncrement());
        network.getInterfaces().setEnabled(true).addInterface(grid.bindAddress());
        config.setProperty("hazelcast.socket.bind.any", "false");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(grid.members());
        // after a network split, the sides look for each other as often as a member is declared dead,
        // not Hazelcast's 5 minutes: how long a healed split takes to merge is part of what Canopy promises
        String mergeEvery = Long.toString(Math.max(5, grid.maxNoHeartbeat().toSeconds()));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", mergeEvery);
        config.setProperty("hazelcast.merge.next.run.delay.seconds", mergeEvery);
        GridMaps.configure(config, grid.backupCount(), grid.minClusterSize(), heartbeatToleranceMillis(grid));
        config.getSerializationConfig().setJavaSerializationFilterConfig(SerialFilter.hazelcastFilter(grid.serialAllow()));
        return config;
    }

    /**
     * How recently a member must have been heard from to count for {@code minClusterSize}: three
     * heartbeats, and at most half of {@code maxNoHeartbeat}, so that the members of the other side
     * of a split stop counting well before they are removed.
     */
    public static long heartbeatToleranceMillis(GridConfig grid) {
        long heartbeat = Math.max(1_000, grid.heartbeatInterval().toMillis());
        return Math.max(1_000, Math.min(3 * heartbeat, grid.maxNoHeartbeat().toMillis() / 2));
    }

    /** Adds Canopy's structures to a member that is already running. */
    public static void prepare(HazelcastInstance hz, GridConfig grid) {
        GridMaps.configureDynamically(hz, grid.backupCount());
    }

    /**
     * Warns when a node Canopy starts binds beyond loopback without a key (see {@link #exposedWithoutKey}),
     * and when it joins other machines with no {@code minClusterSize} (see {@link #splitUnsafe}).
     */
    public static void warnIfExposed(GridConfig grid, ClusterKey key) {
        for (String warning : new String[] {exposedWithoutKey(grid.bindAddress(), key.isSet()),
                splitUnsafe(grid.bindAddress(), grid.members().size(), grid.minClusterSize())}) {
            if (warning != null) {
                LoggerFactory.getLogger(NodeBootstrap.class).warn(warning);
            }
        }
    }

    /**
     * The warning for a node across machines that would run work on both sides of a network split,
     * or null: beyond loopback, with more than one member listed, and {@code minClusterSize} below 2.
     */
    static String splitUnsafe(String bindAddress, int membersListed, int minClusterSize) {
        return isLoopback(bindAddress) || membersListed < 2 || minClusterSize > 1 ? null : "This Canopy node joins "
                + membersListed + " listed members with minClusterSize " + minClusterSize + ": if the network splits,"
                + " both sides run the same jobs and may each report a result; set minClusterSize to a majority of"
                + " the members (see README, Running a cluster across machines)";
    }

    /**
     * The warning for a node that binds to {@code bindAddress}, or null: open-source Hazelcast
     * authenticates nobody, so beyond loopback only the key stops a stranger from running code.
     * Decided from the text alone (no name lookup): {@code localhost}, {@code 127.*} and {@code ::1}.
     */
    static String exposedWithoutKey(String bindAddress, boolean hasKey) {
        String address = bindAddress.strip();
        return hasKey || isLoopback(address) ? null : "This Canopy node binds to " + address + " without a cluster key: anyone"
                + " who reaches its port can run code on it; set clusterKeyFile or CANOPY_CLUSTER_KEY (see README,"
                + " Security)";
    }

    private static boolean isLoopback(String bindAddress) {
        String address = bindAddress.strip();
        return address.equalsIgnoreCase("localhost") || address.startsWith("127.") || address.equals("::1")
                || address.equals("[::1]") || address.equals("0:0:0:0:0:0:0:1");
    }

    public static EngineSettings settings(GridConfig grid) {
        return new EngineSettings(grid.workerThreads(), grid.fanOut(), grid.leafSize(), grid.resultTtl().toMillis(),
                grid.maxResultBytes(), grid.cancelGrace().toMillis(), grid.metricsJobNames(),
                grid.metricsJobExpiry().toMillis(), grid.codeTtl().toMillis(), grid.minClusterSize());
    }
}
