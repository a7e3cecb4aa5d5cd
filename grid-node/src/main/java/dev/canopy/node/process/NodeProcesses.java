package dev.canopy.node.process;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.node.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A cluster of {@link NodeProcess}es, on 127.0.0.1 by default or each at a {@link Place} of its own
 * (a network lab's host): a cluster name of its own, ports that were free, a configuration file per
 * node and a log file per start, and a {@link GridClient} connected to them.
 * Node {@code i} keeps its port and configuration when it is {@link #restart restarted}.
 * {@link #close()} closes the client and stops every process this ever started.
 *
 * <pre>{@code
 * try (NodeProcesses cluster = NodeProcesses.start(3, NodeProcesses.Setup.tool(), System.out)) {
 *     cluster.node(1).kill();
 *     cluster.restart(1).awaitReady();
 * }
 * }</pre>
 *
 * <p>Meant for one thread (a benchmark, a chaos run, a test); the slots may be read from others.
 */
public final class NodeProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeProcesses.class);

    /** The longest {@link #awaitSafe()} waits. */
    private static final Duration SAFE_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final String KEY_FILE = "clusterKeyFile";

    /** The classes of Canopy's own tools, which the nodes started here accept from them. */
    static final String TOOL_PREFIX = "dev.canopy.node.";

    /**
     * How every node is started: the directory its files go to, its {@code -Xmx}, and settings added
     * to its configuration file ({@code workerThreads: 2}, ...) over the node defaults.
     */

    public record Setup(Path dir, String maxHeap, Map<String, String> settings) {
        public Setup {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(maxHeap, "maxHeap");
            settings = Map.copyOf(settings);
        }

        /** What bench and chaos use: files in a fresh temporary directory, 1 GB of heap, the node defaults. */
        public static Setup tool() {
            try {
                return new Setup(Files.createTempDirectory("canopy-nodes"), "1g", Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the nodes' files", e);
            }
        }
    }

    /**
     * Where a node runs: its {@code address} and {@code port}, and the command that starts its JVM
     * there ({@code ip netns exec <host>} for a lab host; empty for this machine).
     */
    public record Place(String address, int port, List<String> launcher) {
        public Place {
            Objects.requireNonNull(address, "address");
            launcher = List.copyOf(launcher);
        }

        String member() {
            return address + ":" + port;
        }
    }

    private final Setup setup;
    private final String clusterName = "canopy-procs-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Place> places;
    private final List<String> members;
    /** Node i's latest process. */
    private final List<NodeProcess> slots = new CopyOnWriteArrayList<>();
    /** Every process started, replaced ones included, so that close() stops them all. */
    private final List<NodeProcess> started = new CopyOnWriteArrayList<>();
    /** How often node i was started, to give each start a log of its own. */
    private final int[] starts;
    private GridClient client;

    private NodeProcesses(List<Place> places, Setup setup) {
        this.setup = setup;
        this.places = List.copyOf(places);
        this.members = places.stream().map(Place::member).toList();
        this.starts = new int[places.size()];
    }

    /**
     * Starts {@code count} nodes at once, waits for each one's ready line (printing it to {@code out}),
     * connects the client and waits until the cluster is safe ({@link #awaitSafe()}), so a member
     * killed right away does not take the only copy of some record with it.
     *
     * @throws IllegalStateException when a node does not start, with the end of its log; every process is stopped then
     */
    public static NodeProcesses start(int count, Setup setup, PrintStream out) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1 but was " + count);
        }
        return start(FreePorts.find(count).stream().map(port -> new Place("127.0.0.1", port, List.of())).toList(),
                setup, out);
    }

    /** As {@link #start(int, Setup, PrintStream)}, a node at each of {@code places}. */
    public static NodeProcesses start(List<Place> places, Setup setup, PrintStream out) {
        if (places.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one place to start a node at");
        }
        int count = places.size();
        NodeProcesses cluster = new NodeProcesses(places, setup);
        try {
            Files.createDirectories(setup.dir());
            for (int i = 0; i < count; i++) {
                cluster.slots.add(cluster.launch(i));
            }
            for (NodeProcess node : cluster.slots) {
                node.awaitReady();
                out.println("  " + node.readyLine());
            }
            out.println("  node logs in " + setup.dir().toAbsolutePath());
            cluster.awaitSafe();
            return cluster;
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("could not start " + count + " node processes: "
                    + e.getMessage(), e);
            cluster.closeAfter(failure);
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            IllegalStateException failure = new IllegalStateException("interrupted while starting " + count
                    + " node processes", e);
            cluster.closeAfter(failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            cluster.closeAfter(e);
            throw e;
        }
    }

    /** Stops what a failed start left running; a failure to stop is added to {@code failure}. */
    private void closeAfter(Throwable failure) {
        try {
            close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Writes node {@code i}'s configuration file (once) and starts it with a log file of its own. */
    private NodeProcess launch(int i) throws IOException {
        String name = "node-" + i;
        Path config = setup.dir().resolve(clusterName + "-" + name + ".yaml");
        if (Files.notExists(config)) {
            StringBuilder yaml = new StringBuilder("# written by " + NodeProcesses.class.getName() + "\n")
                    .append("clusterName: ").append(clusterName).append('\n')
                    .append("bindAddress: ").append(places.get(i).address()).append('\n')
                    .append("port: ").append(places.get(i).port()).append('\n')
                    // a node that finds its port taken must fail, not join on another one
                    .append("portAutoIncrement: false\n")
                    .append("httpPort: 0\n")
                    .append("members: [").append(String.join(", ", members)).append("]\n");
            if (!setup.settings().containsKey("serialAllow")) {
                // the probes these tools send their nodes (ClusterSafe, the bench's raw executor work) are
                // classes of this module, which the nodes' serialization filter refuses unless allowed
                yaml.append("serialAllow: [").append(TOOL_PREFIX).append("]\n");
            }
            setup.settings().forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
            Files.writeString(config, yaml);
        }
        int earlier = starts[i]++;
        String run = earlier == 0 ? name : name + "-restart" + earlier;
        NodeProcess node = NodeProcess.start(run, places.get(i).launcher(), config,
                setup.dir().resolve(clusterName + "-" + run + ".log"), setup.maxHeap());
        started.add(node);
        return node;
    }

    /**
     * Starts node {@code i} again, on its port with its configuration, and returns at once: see
     * {@link NodeProcess#awaitReady()}.
     *
     * @throws IllegalStateException when node {@code i} still runs
     */
    public NodeProcess restart(int i) throws IOException {
        NodeProcess old = node(i);
        if (old.isAlive()) {
            throw new IllegalStateException(old + " still runs: kill or stop it before restarting node " + i);
        }
        NodeProcess node = launch(i);
        slots.set(i, node);
        return node;
    }

    /** Node {@code i}'s latest process. */
    public NodeProcess node(int i) {
        return slots.get(i);
    }

    /** Every node's latest process, in node order. */
    public List<NodeProcess> nodes() {
        return List.copyOf(slots);
    }

    public int size() {
        return slots.size();
    }

    /**
     * The node whose latest process is {@code member}, or -1. A node that merged back after a split
     * or a pause is a new member in the same process, so a uuid no ready line printed is looked up
     * by its address among the client's members.
     */
    public int indexOf(UUID member) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).isMember(member)) {
                return i;
            }
        }
        for (Member m : client().hazelcast().getCluster().getMembers()) {
            if (m.getUuid().equals(member)) {
                return members.indexOf(m.getAddress().getHost() + ":" + m.getAddress().getPort());
            }
        }
        return -1;
    }

    public String clusterName() {
        return clusterName;
    }

    /** The members' {@code host:port}s, in node order. */
    public List<String> members() {
        return members;
    }

    /** The nodes' client configuration, with their {@code clusterKeyFile} when the setup gives one. */
    public GridClientConfig clientConfig() {
        GridClientConfig config = GridClientConfig.defaults().clusterName(clusterName).members(members)
                .connectTimeout(Duration.ofSeconds(30));
        String keyFile = setup.settings().get(KEY_FILE);
        return keyFile == null ? config : config.clusterKeyFile(keyFile);
    }

    /** Writes a client configuration file, for the command line's {@code --client}. */
    public Path clientFile() throws IOException {
        String keyFile = setup.settings().get(KEY_FILE);
        return Files.writeString(setup.dir().resolve(clusterName + "-client.yaml"), "clusterName: " + clusterName
                + "\nmembers: [" + String.join(", ", members) + "]\nconnectTimeout: 30s\n"
                + (keyFile == null ? "" : KEY_FILE + ": " + keyFile + "\n"));
    }

    /** A client of the cluster, connected on first use and closed by {@link #close()}. */
    public synchronized GridClient client() {
        if (client == null) {
            client = GridClient.connect(clientConfig());
        }
        return client;
    }

    /**
     * Waits, with a deadline, until every partition's backups are in sync: a member killed before
     * that may take the only copy of some records with it, which no grid survives.
     *
     * @throws IllegalStateException when the cluster is not safe within a minute
     */
    public void awaitSafe() {
        awaitSafe(SAFE_TIMEOUT);
    }

    /** As {@link #awaitSafe()}, waiting at most {@code timeout}. */
    public void awaitSafe(Duration timeout) {
        HazelcastInstance hz = client().hazelcast();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                if (hz.getExecutorService("canopy.probe").submit(new ClusterSafe()).get(10, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster to be safe", e);
            } catch (Exception e) {
                // a member may be leaving or joining: ask again
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        throw new IllegalStateException("the cluster " + clusterName + " did not become safe (backups in sync) within "
                + timeout.toSeconds() + " s");
    }

    /**
     * Waits, with a deadline, until the client sees every node as a member and the cluster is safe:
     * a node cut off by a split or frozen by a pause merges back within seconds of the heal.
     *
     * @throws IllegalStateException naming the members seen, when they are not all back in time
     */
    public void awaitWhole(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (client().hazelcast().getCluster().getMembers().size() != slots.size()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the cluster " + clusterName + " has " + client().hazelcast()
                        .getCluster().getMembers() + " after " + timeout.toSeconds() + " s, not all " + slots.size()
                        + " nodes");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        awaitSafe(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Asked on a member, since a client cannot ask Hazelcast whether the cluster is safe. */
    private static final class ClusterSafe implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
        private transient HazelcastInstance member;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            member = hazelcastInstance;
        }

        @Override
        public Boolean call() {
            return member.getPartitionService().isClusterSafe();
        }
    }

    /** Closes the client, then stops every process this started, all at once; rethrows the first failure. */
    @Override
    public void close() {
        synchronized (this) {
            if (client != null) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    // the members may be gone already; the processes are stopped below either way
                    LOG.warn("closing the client of {} failed: {}", clusterName, e.toString());
                }
                client = null;
            }
        }
        NodeProcess.closeAll(started);
    }
}
