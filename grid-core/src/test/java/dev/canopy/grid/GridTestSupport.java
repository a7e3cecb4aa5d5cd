package dev.canopy.grid;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.test.TestHazelcastInstanceFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base class of the in-JVM cluster tests: members come from Hazelcast's
 * {@link TestHazelcastInstanceFactory} (mock network, one JVM), each with a {@link GridNode}
 * attached. Every test gets its own cluster name; after each test the nodes are closed and every
 * Hazelcast instance is terminated.
 *
 * <p>No wait in these tests is unbounded: results are awaited with {@link #await} (at most
 * {@link #WAIT}), conditions are polled with a deadline ({@link #awaitTrue}), never with a sleep.
 *
 * <p>Tasks are shipped between members (serialized), so tests must not capture {@code this} in task
 * or reducer lambdas: copy what a task needs into a local variable, and put helpers in static
 * methods (see {@link TestTasks}).
 */
public abstract class GridTestSupport {

    /** The longest any test waits for a job's result or a condition. */
    protected static final Duration WAIT = Duration.ofSeconds(60);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private TestHazelcastInstanceFactory factory;
    private String clusterName;
    private final List<GridNode> nodes = new ArrayList<>();

    @BeforeEach
    final void createFactory() {
        factory = new TestHazelcastInstanceFactory();
        clusterName = "canopy-test-" + UUID.randomUUID();
    }

    @AfterEach
    final void shutDownCluster() {
        try {
            for (GridNode node : nodes) {
                try {
                    node.close();
                } catch (RuntimeException e) {
                    // keep closing the others; the instances are terminated below anyway
                    System.err.println("closing " + node + " failed: " + e);
                }
            }
        } finally {
            nodes.clear();
            if (factory != null) {
                factory.terminateAll();
            }
        }
    }

    // ----------------------------------------------------------------------------------- cluster

    /** Starts {@code members} members with two worker threads each, and waits until they form one cluster. */
    protected List<GridNode> startCluster(int members) {
        return startCluster(members, 2);
    }

    /**
     * Starts {@code members} members with {@code workerThreads} worker threads each, waits until every
     * member sees all of them and the partition table is stable (no migration running), and returns
     * the nodes, oldest first.
     */
    protected List<GridNode> startCluster(int members, int workerThreads) {
        List<GridNode> started = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            started.add(startMember(workerThreads));
        }
        awaitClusterSize(nodes.size());
        awaitClusterSafe();
        return started;
    }

    /** Starts one more member in this test's cluster, with a {@link GridNode} attached to it. */
    protected GridNode startMember(int workerThreads) {
        HazelcastInstance hz = factory.newHazelcastInstance(memberConfig());
        GridNode node = GridNode.attach(hz, GridConfig.defaults().workerThreads(workerThreads));
        nodes.add(node);
        return node;
    }

    /** The Hazelcast configuration of every member of this test's cluster. */
    protected Config memberConfig() {
        Config config = new Config();
        config.setClusterName(clusterName);
        return config;
    }

    /** Every node started in this test, oldest first. */
    protected List<GridNode> nodes() {
        return List.copyOf(nodes);
    }

    protected void awaitClusterSize(int expected) {
        awaitTrue("every member to see a cluster of " + expected, () -> nodes.stream()
                .allMatch(n -> n.hazelcast().getCluster().getMembers().size() == expected));
    }

    /**
     * Assigns the partitions (first access does) and waits until no migration is running and backups
     * are in sync, so that a partition's owner read by a test is the owner the grid used.
     */
    protected void awaitClusterSafe() {
        for (GridNode node : nodes) {
            for (Partition partition : node.hazelcast().getPartitionService().getPartitions()) {
                partition.getOwner();
            }
        }
        awaitTrue("the cluster to be safe (no migrations)", () -> nodes.stream()
                .allMatch(n -> n.hazelcast().getPartitionService().isClusterSafe()));
    }

    /** The uuids of the cluster's members, as seen by the first node. */
    protected Set<UUID> memberUuids() {
        return nodes.get(0).hazelcast().getCluster().getMembers().stream()
                .map(m -> m.getUuid())
                .collect(Collectors.toSet());
    }

    /** The member that owns {@code key}'s partition now. */
    protected UUID ownerOf(Object key) {
        return nodes.get(0).hazelcast().getPartitionService().getPartition(key).getOwner().getUuid();
    }

    // ------------------------------------------------------------------------------------ waiting

    /** The future's value, waiting at most {@link #WAIT}; any other outcome fails the test. */
    protected static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a job's result", e);
        } catch (ExecutionException e) {
            throw new AssertionError("expected a result, but the job failed with " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new AssertionError("expected a result, but the job was cancelled: " + e, e);
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + WAIT, e);
        }
    }

    /**
     * How the future failed, waiting at most {@link #WAIT}: the {@link CancellationException} it was
     * cancelled with, or its exception with {@link CompletionException} / {@link ExecutionException}
     * wrappers removed. Fails the test when the future completes normally or not in time.
     */
    protected static Throwable awaitFailure(CompletableFuture<?> future) {
        Object value;
        try {
            value = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a job's result", e);
        } catch (CancellationException e) {
            return e;
        } catch (ExecutionException e) {
            return peel(e);
        } catch (TimeoutException e) {
            throw new AssertionError("the job neither failed nor completed within " + WAIT, e);
        }
        return fail("expected the job to fail, but it completed with " + value);
    }

    private static Throwable peel(Throwable t) {
        Throwable current = t;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Polls {@code condition} until it holds, failing the test after {@link #WAIT}. */
    protected static void awaitTrue(String what, BooleanSupplier condition) {
        awaitTrue(what, condition, WAIT);
    }

    /** Polls {@code condition} until it holds, failing the test after {@code timeout}. */
    protected static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** A fresh id for a test's run, to key the static probes in {@link TestTasks}. */
    protected static String newRunId() {
        return UUID.randomUUID().toString();
    }
}
