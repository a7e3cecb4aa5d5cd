package dev.canopy.node;

import dev.canopy.node.process.NodeProcesses;

import java.nio.file.Path;
import java.util.Map;

/**
 * The node processes of the integration tests in this package: {@link NodeProcesses} with 256 MB
 * heaps, two worker threads each, one-second heartbeats (a member is suspected after five) and a status
 * server that also answers to {@code Host: grid.example.com}, their
 * configuration and log files under {@code target/it-logs}, where they stay for a look after a failure.
 */
final class ItCluster {

    private static final NodeProcesses.Setup SETUP = new NodeProcesses.Setup(Path.of("target", "it-logs"), "256m",
            Map.of("workerThreads", "2", "heartbeatInterval", "1s", "maxNoHeartbeat", "5s",
                    "httpHosts", "[grid.example.com]"));

    private ItCluster() {
    }

    /** Starts {@code count} nodes and returns once they are ready and the cluster is safe; the caller closes it. */
    static NodeProcesses start(int count) {
        return NodeProcesses.start(count, SETUP, System.out);
    }
}
