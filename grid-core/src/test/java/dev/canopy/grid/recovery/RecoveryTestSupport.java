package dev.canopy.grid.recovery;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.Await;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.TestCluster;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base class of the recovery tests, on a {@link TestCluster} of its own per test: each member with a
 * {@link GridNode} of {@code workerThreads(2)} and the test's {@code backupCount}, and Hazelcast's
 * heartbeats as {@code GridNode.start} sets them, so a killed member is noticed as a real one would be.
 * It reads a job's records ({@code canopy.jobs}, {@code canopy.subjobs}) to find who plays which role
 * ({@link Tree}), and checks results with {@link ExactlyOnce}.
 */
public abstract class RecoveryTestSupport {

    /** The longest a test waits for a job's result. */
    private static final Duration RESULT_WAIT = Duration.ofSeconds(90);
    /** The number of worker threads of every member. */
    private static final int WORKER_THREADS = 2;

    private final TestCluster cluster = new TestCluster("canopy-recovery");
    private final List<String> runs = new CopyOnWriteArrayList<>();
    /** The {@code minClusterSize} of members started from now on (see {@link #requireMembers}). */
    private int minClusterSize;
    /** Whether members started from now on drive the jobs they submit (see {@link #spreadTopDrivers}). */
    private boolean driveOwnJobs = true;

    @AfterEach
    final void shutDownCluster() {
        try {
            cluster.close();
        } finally {
            runs.forEach(RecoveryTasks::forget);
            runs.clear();
        }
    }

    // ----------------------------------------------------------------------------------- cluster

    /**
     * Members started from now on spread the jobs they submit over the cluster by job id
     * ({@code driveOwnJobs false}) instead of driving them, so a test can have a submitter that is
     * not the top driver.
     */
    protected void spreadTopDrivers() {
        driveOwnJobs = false;
    }

    /**
     * Members started from now on need {@code minClusterSize} members on their side to drive work,
     * as {@code GridNode.start} configures them: split-brain protection on Canopy's maps.
     */
    protected void requireMembers(int minClusterSize) {
        this.minClusterSize = minClusterSize;
    }

    /** Starts {@code members} members and waits until they form one cluster with a stable partition table. */
    protected List<GridNode> startCluster(int members, int backupCount) {
        return cluster.start(members, () -> startMember(backupCount));
    }

    /** Starts one more member in this test's cluster, with a {@link GridNode} attached. */
    protected GridNode startMember(int backupCount) {
        Config config = cluster.memberConfig();
        // as GridNode.start would configure it from GridConfig's defaults (heartbeatInterval, maxNoHeartbeat)
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        if (minClusterSize > 1) {
            // as GridNode.start configures a node with a minClusterSize: protection, and merges looked for every 5 s
            GridMaps.configure(config, backupCount, minClusterSize, 3_000);
            config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
            config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        }
        return cluster.startMember(config, GridConfig.defaults().workerThreads(WORKER_THREADS)
                .backupCount(backupCount).driveOwnJobs(driveOwnJobs).minClusterSize(minClusterSize));
    }

    /** A client of this test's cluster; closed with it. */
    protected GridClient startClient() {
        return cluster.startClient(GridClientConfig.defaults());
    }

    /** Nodes neither killed nor closed, oldest first. */
    protected List<GridNode> liveNodes() {
        return cluster.liveNodes();
    }

    protected boolean isLive(UUID member) {
        return cluster.isLive(member);
    }

    /** See {@link TestCluster#kill}. */
    protected void kill(UUID... victims) {
        cluster.kill(victims);
    }

    /** Closes the node of {@code member} gracefully; its Hazelcast member keeps running. */
    protected void closeGracefully(UUID member) {
        cluster.closeGracefully(member);
    }

    // ---------------------------------------------------------------------------------------- jobs

    /** One test run: the id its tasks are keyed by, and what they saw. */
    protected record Run(String id, Probe probe) {
    }

    /** A fresh run of {@code tasks} tasks with its probe, forgotten after the test. */
    protected Run newRun(int tasks) {
        String run = UUID.randomUUID().toString();
        runs.add(run);
        return new Run(run, RecoveryTasks.newProbe(run, tasks));
    }

    /** A range job of {@code tasks} tasks, each parking {@code parkMicros}, reduced by {@code reducer}. */
    protected static Job<Hit, Tally> job(String run, int tasks, long parkMicros, int fanOut, int leafSize,
                                         ExactlyOnce reducer) {
        return Job.range(0, tasks, (i, ctx) -> RecoveryTasks.work(run, i, parkMicros, ctx))
                .reduce(reducer)
                .name("recovery")
                .fanOut(fanOut)
                .leafSize(leafSize)
                .build();
    }

    /**
     * Submits jobs from {@code submitter} until one gets a top driver other than the submitter
     * (the top driver is the owner of the job id's partition, which a test cannot choose); jobs
     * driven by the submitter are cancelled.
     */
    protected JobHandle<Tally> submitDrivenElsewhere(GridNode submitter, Supplier<Job<Hit, Tally>> job) {
        for (int i = 0; i < 20; i++) {
            JobHandle<Tally> handle = submitter.submit(job.get());
            UUID top = awaitTopDriver(handle.id());
            if (!top.equals(submitter.memberId())) {
                return handle;
            }
            handle.cancel();
            awaitTrue("the cancelled job to end", () -> handle.result().isDone());
        }
        return fail("20 jobs in a row had the submitter as top driver");
    }

    protected UUID awaitTopDriver(JobId id) {
        return Await.awaitFound("job " + id + " to get a top driver", () -> {
            JobRecord r = jobRecord(id);
            return r == null ? null : r.topDriver();
        });
    }

    /** The job's value, waiting at most 90 s; any other outcome fails the test. */
    protected static <T> T result(CompletableFuture<T> future) {
        return Await.awaitResult(future, RESULT_WAIT);
    }

    /** Asserts the exact result of tasks {@code [0, n)} worth their index, each counted once. */
    protected static void assertCountedOnce(Tally tally, int n) {
        assertEquals(n, tally.count(), "tasks counted");
        assertEquals((long) n * (n - 1) / 2, tally.sum(), "sum of the task values");
        BitSet seen = tally.seen();
        assertEquals(n, seen.cardinality(), "distinct task indices counted");
        assertEquals(n, seen.nextClearBit(0), "first task index not counted");
        assertEquals(n, seen.length(), "one past the highest index counted");
        assertEquals(n, tally.perMember().values().stream().mapToLong(Long::longValue).sum(), "tasks counted per member");
    }

    /** Polls {@code condition} until it holds, failing the test after {@link Await#WAIT}. */
    protected static void awaitTrue(String what, BooleanSupplier condition) {
        Await.awaitTrue(what, condition);
    }

    // ------------------------------------------------------------------------------------- records

    private HazelcastInstance reader() {
        List<GridNode> live = liveNodes();
        if (live.isEmpty()) {
            fail("no live member left to read the records from");
        }
        return live.get(0).hazelcast();
    }

    protected JobRecord jobRecord(JobId id) {
        IMap<String, JobRecord> jobs = reader().getMap("canopy.jobs");
        return jobs.get(id.toString());
    }

    protected GraphRecord graphRecord(GraphId id) {
        IMap<String, GraphRecord> graphs = reader().getMap("canopy.graphs");
        return graphs.get(id.toString());
    }

    /** The job's tree as it is now: one query of the job's partition. */
    protected Tree tree(JobId id) {
        IMap<SubJobKey, SubJobRecord> subjobs = reader().getMap("canopy.subjobs");
        Collection<SubJobRecord> records = subjobs.values(
                Predicates.partitionPredicate(id.toString(), Predicates.alwaysTrue()));
        List<SubJobRecord> ofJob = records.stream().filter(r -> r.jobId().equals(id.toString())).toList();
        return new Tree(jobRecord(id), ofJob);
    }

    /**
     * Polls the job's tree until {@code pick} finds something in it, and returns what it found;
     * fails when the job ends first or after {@link Await#WAIT}.
     */
    protected <T> T awaitInTree(String what, JobHandle<?> handle, Function<Tree, T> pick) {
        return Await.awaitFound(what, () -> {
            if (handle.result().isDone()) {
                fail("job " + handle.id() + " ended before " + what + " (tasks too fast for the kill to land mid-job?)");
            }
            return pick.apply(tree(handle.id()));
        });
    }
}
