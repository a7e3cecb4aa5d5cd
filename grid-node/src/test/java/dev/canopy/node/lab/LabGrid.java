package dev.canopy.node.lab;

import dev.canopy.node.process.NodeProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Canopy nodes on lab hosts, one {@code grid node} per host, configured as the README's "Running a
 * cluster across machines" says: {@code bindAddress} the host's address, {@code members} every
 * node's {@code address:5701}, a cluster name of its own and a cluster key file (README,
 * "Security: the cluster key"). Multicast is never used by Canopy. The tests' settings come on top:
 * two worker threads, one-second heartbeats, and a member taken for dead after {@code maxNoHeartbeat}.
 * The lab kills the nodes at its close.
 */
public final class LabGrid {

    /** Every node's cluster port: each host has an address of its own, so they need not differ. */
    static final int PORT = 5701;
    static final String HEAP = "256m";

    /** The settings the lab tests share; a test may override any of them. */
    static final Map<String, String> TEST_SETTINGS = Map.of("workerThreads", "2", "heartbeatInterval", "1s",
            "maxNoHeartbeat", "4s", "httpEnabled", "false",
            // the lab client's probe (LabClient.ClusterSafe) runs on the members
            "serialAllow", "[dev.canopy.node.lab.]");

    private final Lab lab;
    private final String clusterName;
    private final Path keyFile;
    private final List<Host> hosts;
    private final List<NodeProcess> nodes = new ArrayList<>();

    private LabGrid(Lab lab, List<Host> hosts, Path keyFile) {
        this.lab = lab;
        this.hosts = List.copyOf(hosts);
        this.clusterName = "canopy-" + lab.id();
        this.keyFile = keyFile;
    }

    /**
     * Starts a node on each of {@code hosts} at once and waits for every ready line.
     *
     * @param settings added to each node's file over {@link #TEST_SETTINGS}
     */
    public static LabGrid start(Lab lab, List<Host> hosts, Map<String, String> settings) throws IOException,
            InterruptedException {
        return start(lab, hosts, settings, List.of());
    }

    /** As {@link #start(Lab, List, Map)}, each node JVM with {@code jvmOptions} too. */
    public static LabGrid start(Lab lab, List<Host> hosts, Map<String, String> settings, List<String> jvmOptions)
            throws IOException, InterruptedException {
        LabGrid grid = new LabGrid(lab, hosts, lab.writeClusterKey());
        for (Host host : hosts) {
            grid.nodes.add(lab.startNode(host, "node-" + host.name(), grid.writeConfig(host, settings), HEAP,
                    jvmOptions));
        }
        for (NodeProcess node : grid.nodes) {
            node.awaitReady();
            System.out.println("  " + node.readyLine());
        }
        return grid;
    }

    private Path writeConfig(Host host, Map<String, String> settings) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("clusterName", clusterName);
        all.put("bindAddress", host.address());
        all.put("port", Integer.toString(PORT));
        all.put("portAutoIncrement", "false");
        all.put("members", "[" + String.join(", ", members()) + "]");
        all.put("clusterKeyFile", keyFile.toString());
        all.putAll(TEST_SETTINGS);
        all.putAll(settings);
        StringBuilder yaml = new StringBuilder("# written by " + LabGrid.class.getName() + "\n");
        all.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
        return Files.writeString(lab.dir().resolve("node-" + host.name() + ".yaml"), yaml);
    }

    /** The members' {@code address:port}s, in host order, as a {@code members} list holds them. */
    public List<String> members() {
        return hosts.stream().map(h -> h.address() + ":" + PORT).toList();
    }

    /** Writes a client configuration file for this grid (its members, name and key). */
    public Path clientConfig() throws IOException {
        return Files.writeString(lab.dir().resolve("client.yaml"), "clusterName: " + clusterName + "\nmembers: ["
                + String.join(", ", members()) + "]\nclusterKeyFile: " + keyFile + "\nconnectTimeout: 30s\n");
    }

    /** The node on the {@code i}-th host given to {@link #start}, counted from 0. */
    public NodeProcess node(int i) {
        return nodes.get(i);
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    public Host host(int i) {
        return hosts.get(i);
    }

    /** The index of the node that printed {@code member} as its id, or -1. */
    public int indexOf(UUID member) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).memberId().equals(member)) {
                return i;
            }
        }
        return -1;
    }

    public String clusterName() {
        return clusterName;
    }
}
