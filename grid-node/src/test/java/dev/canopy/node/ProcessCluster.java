package dev.canopy.node;

import dev.canopy.grid.GridClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A grid of real {@code grid node} processes on 127.0.0.1 for integration tests: a cluster name of
 * its own, ports that were free, each node's configuration in a YAML file of its own. Closing it
 * stops every process it ever started.
 */
final class ProcessCluster implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final String clusterName;
    private final List<String> members;
    private final List<NodeProcess> started = new CopyOnWriteArrayList<>();
    private final Map<NodeProcess, Path> configs = new ConcurrentHashMap<>();

    private ProcessCluster(Path dir, String clusterName, List<String> members) {
        this.dir = dir;
        this.clusterName = clusterName;
        this.members = members;
    }

    /** Starts {@code count} nodes at once and waits for each one's ready line. */
    static ProcessCluster start(Path dir, int count) throws IOException, InterruptedException {
        List<Integer> ports = FreePorts.find(count);
        List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        ProcessCluster cluster = new ProcessCluster(dir, "canopy-it-" + UUID.randomUUID().toString().substring(0, 8),
                members);
        try {
            List<NodeProcess> nodes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                nodes.add(cluster.launch("node-" + (i + 1), ports.get(i)));
            }
            for (NodeProcess node : nodes) {
                node.awaitReady(READY_TIMEOUT);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts a node with {@code old}'s configuration (same port) and waits for its ready line. */
    NodeProcess restart(NodeProcess old, String name) throws IOException, InterruptedException {
        NodeProcess node = NodeProcess.start(name, configs.get(old));
        started.add(node);
        configs.put(node, configs.get(old));
        node.awaitReady(READY_TIMEOUT);
        return node;
    }

    private NodeProcess launch(String name, int port) throws IOException {
        Path config = Files.writeString(dir.resolve(clusterName + "-" + name + ".yaml"), String.join("\n",
                "# written by " + ProcessCluster.class.getSimpleName(),
                "clusterName: " + clusterName,
                "bindAddress: 127.0.0.1",
                "port: " + port,
                "portAutoIncrement: false",
                "httpPort: 0",
                "members: [" + String.join(", ", members) + "]",
                "workerThreads: 2",
                "heartbeatInterval: 1s",
                "maxNoHeartbeat: 5s",
                ""));
        NodeProcess node = NodeProcess.start(clusterName + "-" + name, config);
        started.add(node);
        configs.put(node, config);
        return node;
    }

    /** The nodes started at first, in order. */
    List<NodeProcess> nodes() {
        return started.subList(0, members.size());
    }

    String clusterName() {
        return clusterName;
    }

    List<String> members() {
        return members;
    }

    GridClientConfig clientConfig() {
        return GridClientConfig.defaults().clusterName(clusterName).members(members).connectTimeout(Duration.ofSeconds(30));
    }

    /** A client configuration file for the command line's {@code --client}. */
    Path clientFile() throws IOException {
        return Files.writeString(dir.resolve(clusterName + "-client.yaml"),
                "clusterName: " + clusterName + "\nmembers: [" + String.join(", ", members) + "]\nconnectTimeout: 30s\n");
    }

    @Override
    public void close() {
        NodeProcess.closeAll(started);
    }
}
