package dev.canopy.grid;

import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Base class of the in-JVM cluster tests: each test gets a {@link TestCluster} of its own, closed
 * after it, whose members all have a {@link GridNode} of {@link GridConfig#defaults()} with a given
 * number of worker threads. The waits are {@link Await}'s, made callable here without a qualifier.
 *
 * <p>Tasks are shipped between members (serialized), so tests must not capture {@code this} in task
 * or reducer lambdas: copy what a task needs into a local variable, and put helpers in static
 * methods (see {@link TestTasks}).
 */
public abstract class GridTestSupport {

    /** The longest any test waits for a job's result or a condition. */
    protected static final Duration WAIT = Await.WAIT;

    private final TestCluster cluster = new TestCluster("canopy-test");

    @AfterEach
    final void shutDownCluster() {
        cluster.close();
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
        return cluster.start(members, () -> cluster.startMember(GridConfig.defaults().workerThreads(workerThreads)));
    }

    /** This test's cluster, for what the helpers here do not cover. */
    protected final TestCluster cluster() {
        return cluster;
    }

    /** The uuids of the cluster's members, as seen by the first node. */
    protected Set<UUID> memberUuids() {
        return cluster.memberUuids();
    }

    /** The member that owns {@code key}'s partition now. */
    protected UUID ownerOf(Object key) {
        return cluster.ownerOf(key);
    }

    // ------------------------------------------------------------------------------------ waiting

    /** The future's value, waiting at most {@link #WAIT}; any other outcome fails the test. */
    protected static <T> T await(CompletableFuture<T> future) {
        return Await.awaitResult(future, WAIT);
    }

    /** See {@link Await#awaitFailure}. */
    protected static Throwable awaitFailure(CompletableFuture<?> future) {
        return Await.awaitFailure(future);
    }

    /** Polls {@code condition} until it holds, failing the test after {@link #WAIT}. */
    protected static void awaitTrue(String what, BooleanSupplier condition) {
        Await.awaitTrue(what, condition);
    }

    /** Polls {@code condition} until it holds, failing the test after {@code timeout}. */
    protected static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        Await.awaitTrue(what, condition, timeout);
    }

    // --------------------------------------------------------------------------------- assertions

    /**
     * Asserts that {@code failure} is a {@link JobFailedException} naming {@code task} and its
     * {@code attempts}; returns it.
     */
    protected static JobFailedException assertJobFailed(Throwable failure, String task, int attempts) {
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertEquals(task, failed.task());
        assertEquals(attempts, failed.attempts());
        return failed;
    }

    /**
     * Asserts that the members recorded under {@code key} (see {@link TestTasks#failOnFirstAttempt}) are
     * two, the retry's not the first attempt's; {@code what} names them in the message. Returns them.
     */
    protected static List<UUID> assertRetriedOnAnotherMember(String key, String what) {
        List<UUID> attempts = TestTasks.members(key);
        assertEquals(2, attempts.size(), what + ", by member: " + attempts);
        assertNotEquals(attempts.get(0), attempts.get(1), "the retry ran on the member that failed it");
        return attempts;
    }

    // ------------------------------------------------------------------------------------- probes

    /** A fresh id for a test's run, to key the static probes in {@link TestTasks}. */
    protected static String newRunId() {
        return UUID.randomUUID().toString();
    }
}
