package dev.canopy.node;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of {@link GridNode}s in this JVM, as {@code bin/grid demo}, {@code example}, {@code bench}
 * and {@code chaos} use it: each node binds to 127.0.0.1 on a port that was free when it started,
 * each node joins the ones started before it over TCP/IP, and the cluster has a name of its own
 * ({@code canopy-embedded-<random>}), so it never merges with a {@code bin/grid node} or with another
 * embedded cluster on the same machine. Multicast is off, as in every {@code GridNode.start}.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.start(3, GridConfig.defaults())) {
 *     long sum = cluster.nodes().get(0).submit(job).result().get();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes every node, all at once, each with a bound.
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

    /** The longest {@link #start} waits for the nodes to see one another. */
    static final long FORM_TIMEOUT_MILLIS = 60_000;
    /** The longest {@link #close()} waits for the nodes to leave cleanly before it terminates them. */
    static final long CLOSE_TIMEOUT_MILLIS = 45_000;

    private final GridConfig base;
    private final List<GridNode> nodes = new CopyOnWriteArrayList<>();
    private final List<String> addresses = new CopyOnWriteArrayList<>();

    private EmbeddedCluster(GridConfig base) {
        this.base = base;
    }

    /**
     * Starts {@code count} nodes configured from {@code base} (worker threads, fan-out, leaf size,
     * backups, timeouts...) except for the network: cluster name, bind address, ports and member list
     * are chosen here. Returns once every node sees all {@code count} members.
     *
     * @throws IllegalArgumentException when {@code count} is below 1
     * @throws IllegalStateException    when the nodes do not form one cluster within a minute
     */
    public static EmbeddedCluster start(int count, GridConfig base) {
        if (count < 1) {
            throw new IllegalArgumentException("nodes must be >= 1 but was " + count);
        }
        Objects.requireNonNull(base, "base config");
        List<Integer> ports = FreePorts.find(count);
        List<String> members = new ArrayList<>(count);
        for (int port : ports) {
            members.add("127.0.0.1:" + port);
        }
        GridConfig config = base.copy()
                .clusterName("canopy-embedded-" + UUID.randomUUID().toString().substring(0, 8))
                .bindAddress("127.0.0.1")
                .portAutoIncrement(true)
                .members(members);
        EmbeddedCluster cluster = new EmbeddedCluster(config);
        try {
            for (int port : ports) {
                cluster.startNode(port);
            }
            cluster.awaitSize(count);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Starts one more node that joins this cluster, on a new free port, and returns it once it sees
     * every running node. Useful to replace a node that was closed or killed.
     */
    public GridNode addNode() {
        GridNode node = startNode(FreePorts.find(1).get(0));
        awaitSize(runningNodes().size());
        return node;
    }

    /** The nodes started so far, in start order, including any since closed or terminated. */
    public List<GridNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The nodes whose Hazelcast member is still running, in start order. */
    public List<GridNode> runningNodes() {
        List<GridNode> running = new ArrayList<>();
        for (GridNode node : nodes) {
            if (isRunning(node)) {
                running.add(node);
            }
        }
        return running;
    }

    /** The cluster's name, unique to this cluster. */
    public String clusterName() {
        return base.clusterName();
    }

    /** The {@code host:port} of each node, in start order. */
    public List<String> addresses() {
        return List.copyOf(addresses);
    }

    /** A copy of the configuration every node was started with, network settings included. */
    public GridConfig config() {
        return base.copy();
    }

    /**
     * Starts a node that joins the nodes already started, at the addresses they actually bound.
     * The first node lists only itself, so it becomes the master at once instead of waiting for
     * the others' ports to answer.
     */
    private GridNode startNode(int port) {
        List<String> members = new ArrayList<>(addresses);
        members.add("127.0.0.1:" + port);
        GridNode node = GridNode.start(base.copy().port(port).members(members));
        nodes.add(node);
        var local = node.hazelcast().getCluster().getLocalMember().getAddress();
        addresses.add(local.getHost() + ":" + local.getPort());
        return node;
    }

    /** Polls, with a deadline, until every running node sees exactly {@code size} members. */
    private void awaitSize(int size) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORM_TIMEOUT_MILLIS);
        while (true) {
            boolean formed = true;
            for (GridNode node : runningNodes()) {
                formed &= node.hazelcast().getCluster().getMembers().size() == size;
            }
            if (formed) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the " + size + " embedded nodes of cluster '" + clusterName()
                        + "' did not see one another within " + FORM_TIMEOUT_MILLIS / 1000 + " s: check that"
                        + " nothing blocks connections on 127.0.0.1 between ports " + addresses);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);   // poll interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded nodes to form a cluster", e);
            }
        }
    }

    /**
     * Closes every running node at once: each leaves cleanly (see {@link GridNode#close()}); a node
     * that has not left within {@value #CLOSE_TIMEOUT_MILLIS} ms is terminated. Nodes already closed
     * or terminated are skipped. Idempotent.
     */
    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        for (GridNode node : nodes) {
            if (!isRunning(node)) {
                continue;
            }
            UUID id = node.memberId();
            Thread closer = new Thread(() -> closeQuietly(node, id), "canopy-close-" + id);
            closer.setDaemon(true);
            closer.start();
            closers.add(closer);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS);
        boolean interrupted = false;
        for (Thread closer : closers) {
            try {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                closer.join(Math.max(1, left));
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        for (GridNode node : nodes) {
            if (isRunning(node)) {
                LOG.warn("Node {} did not leave cluster '{}' within {} s; terminating it", node.memberId(),
                        clusterName(), CLOSE_TIMEOUT_MILLIS / 1000);
                node.hazelcast().getLifecycleService().terminate();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(GridNode node, UUID id) {
        try {
            node.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing node {} failed; it will be terminated", id, e);
        }
    }

    private static boolean isRunning(GridNode node) {
        HazelcastInstance hz = node.hazelcast();
        return hz.getLifecycleService().isRunning();
    }

    @Override
    public String toString() {
        return "EmbeddedCluster[" + clusterName() + " " + addresses + "]";
    }
}
