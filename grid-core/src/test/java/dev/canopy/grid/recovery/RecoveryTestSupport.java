package dev.canopy.grid.recovery;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.Partition;
import com.hazelcast.query.Predicates;
import com.hazelcast.test.TestHazelcastInstanceFactory;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base class of the recovery tests: an in-JVM cluster from Hazelcast's
 * {@link TestHazelcastInstanceFactory}, each member with a {@link GridNode} attached
 * ({@code workerThreads(2)} and the test's {@code backupCount}); members are killed with
 * {@code getLifecycleService().terminate()}. It reads a job's records ({@code canopy.jobs},
 * {@code canopy.subjobs}) to find who plays which role, and checks results with {@link ExactlyOnce}.
 *
 * <p>No wait here is blind: conditions are polled with a deadline, results are awaited with a bound.
 * After each test the live nodes are closed and every instance is terminated.
 */
public abstract class RecoveryTestSupport {

    /** The longest a test waits for a job's result. */
    protected static final long RESULT_WAIT_SECONDS = 90;
    /** The longest a test waits for a condition. */
    protected static final Duration WAIT = Duration.ofSeconds(60);
    /** The number of worker threads of every member. */
    protected static final int WORKER_THREADS = 2;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private TestHazelcastInstanceFactory factory;
    private String clusterName;
    private final List<GridNode> nodes = new CopyOnWriteArrayList<>();
    private final Map<UUID, GridNode> byId = new ConcurrentHashMap<>();
    /** Members killed, or whose node was closed: they no longer take part. */
    private final Set<UUID> gone = ConcurrentHashMap.newKeySet();
    private final List<String> runs = new CopyOnWriteArrayList<>();
    /** Whether members started from now on drive the jobs they submit (see {@link #spreadTopDrivers}). */
    private boolean driveOwnJobs = true;

    @BeforeEach
    final void createFactory() {
        factory = new TestHazelcastInstanceFactory();
        clusterName = "canopy-recovery-" + UUID.randomUUID();
    }

    @AfterEach
    final void shutDownCluster() {
        try {
            cancelUnfinishedJobs();
            List<GridNode> live = new ArrayList<>(liveNodes());
            Collections.reverse(live);
            for (GridNode node : live) {
                try {
                    node.close();
                } catch (RuntimeException e) {
                    System.err.println("closing " + node + " failed: " + e);
                }
            }
        } finally {
            nodes.clear();
            byId.clear();
            gone.clear();
            runs.forEach(RecoveryTasks::forget);
            runs.clear();
            if (factory != null) {
                factory.terminateAll();
            }
        }
    }

    private void cancelUnfinishedJobs() {
        List<GridNode> live = liveNodes();
        if (live.isEmpty()) {
            return;
        }
        try {
            GridNode any = live.get(0);
            for (JobInfo info : any.jobs()) {
                if (!info.state().isTerminal()) {
                    any.job(info.id()).ifPresent(JobHandle::cancel);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("cancelling unfinished jobs failed: " + e);
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

    /** Starts {@code members} members and waits until they form one cluster with a stable partition table. */
    protected List<GridNode> startCluster(int members, int backupCount) {
        List<GridNode> started = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            started.add(startMember(backupCount));
        }
        awaitClusterSize(members);
        awaitClusterSafe();
        return started;
    }

    /** Starts one more member in this test's cluster, with a {@link GridNode} attached. */
    protected GridNode startMember(int backupCount) {
        Config config = new Config();
        config.setClusterName(clusterName);
        // as GridNode.start would configure it from GridConfig's defaults (heartbeatInterval, maxNoHeartbeat)
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        HazelcastInstance hz = factory.newHazelcastInstance(config);
        GridNode node = GridNode.attach(hz, GridConfig.defaults().workerThreads(WORKER_THREADS).backupCount(backupCount)
                .driveOwnJobs(driveOwnJobs));
        nodes.add(node);
        byId.put(node.memberId(), node);
        return node;
    }

    /** Nodes neither killed nor closed, oldest first. */
    protected List<GridNode> liveNodes() {
        List<GridNode> live = new ArrayList<>();
        for (Map.Entry<UUID, GridNode> e : byId.entrySet()) {
            if (!gone.contains(e.getKey())) {
                live.add(e.getValue());
            }
        }
        live.sort(Comparator.comparingInt(nodes::indexOf));
        return live;
    }

    protected GridNode node(UUID member) {
        GridNode node = byId.get(member);
        if (node == null) {
            fail("no node for member " + member);
        }
        return node;
    }

    protected boolean isLive(UUID member) {
        return byId.containsKey(member) && !gone.contains(member);
    }

    protected void awaitClusterSize(int expected) {
        awaitTrue("every live member to see a cluster of " + expected, () -> liveNodes().stream()
                .allMatch(n -> n.hazelcast().getCluster().getMembers().size() == expected));
    }

    protected void awaitClusterSafe() {
        for (GridNode node : liveNodes()) {
            for (Partition partition : node.hazelcast().getPartitionService().getPartitions()) {
                partition.getOwner();
            }
        }
        awaitTrue("the cluster to be safe (no migrations)", () -> liveNodes().stream()
                .allMatch(n -> n.hazelcast().getPartitionService().isClusterSafe()));
    }

    /**
     * Kills the members at once, each terminated on its own thread, as a crash would. The killed
     * nodes' engines are then stopped as far as a dead member allows, so their threads do not run on.
     */
    protected void kill(UUID... victims) {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> killers = new ArrayList<>();
        for (UUID victim : victims) {
            GridNode node = node(victim);
            gone.add(victim);
            Thread killer = new Thread(() -> {
                try {
                    go.await();
                    node.hazelcast().getLifecycleService().terminate();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "kill-" + victim);
            killer.start();
            killers.add(killer);
        }
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread killer : killers) {
            try {
                killer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while killing " + List.of(victims), e);
            }
            if (killer.isAlive()) {
                fail(killer.getName() + " did not finish terminating its member within 30 s");
            }
        }
        for (UUID victim : victims) {
            try {
                node(victim).close();
            } catch (RuntimeException expected) {
                // its Hazelcast is dead, so closing fails part-way; a crashed process would not run on
                // at all, here the dead member's worker threads may finish their current leaf, whose
                // commit then fails
            }
        }
    }

    /** Closes the node of {@code member} gracefully; its Hazelcast member keeps running. */
    protected void closeGracefully(UUID member) {
        GridNode node = node(member);
        gone.add(member);
        node.close();
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
        UUID[] top = new UUID[1];
        awaitTrue("job " + id + " to get a top driver", () -> {
            JobRecord r = jobRecord(id);
            top[0] = r == null ? null : r.topDriver();
            return top[0] != null;
        });
        return top[0];
    }

    /** The job's value, waiting at most {@link #RESULT_WAIT_SECONDS}; any other outcome fails the test. */
    protected static <T> T result(CompletableFuture<T> future) {
        try {
            return future.get(RESULT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a job's result", e);
        } catch (ExecutionException e) {
            throw new AssertionError("expected a result, but the job failed with " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new AssertionError("expected a result, but the job was cancelled: " + e, e);
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + RESULT_WAIT_SECONDS + " s", e);
        }
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
     * fails when the job ends first or after {@link #WAIT}.
     */
    protected <T> T awaitInTree(String what, JobHandle<?> handle, Function<Tree, T> pick) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (handle.result().isDone()) {
                fail("job " + handle.id() + " ended before " + what + " (tasks too fast for the kill to land mid-job?)");
            }
            T found = pick.apply(tree(handle.id()));
            if (found != null) {
                return found;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + WAIT + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Polls {@code condition} until it holds, failing the test after {@link #WAIT}. */
    protected static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + WAIT + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** A snapshot of a job's record and its sub-job records. */
    protected static final class Tree {
        private final JobRecord job;
        private final List<SubJobRecord> records;

        Tree(JobRecord job, List<SubJobRecord> records) {
            this.job = job;
            this.records = records;
        }

        public JobRecord job() {
            return job;
        }

        public List<SubJobRecord> records() {
            return records;
        }

        public UUID topDriver() {
            return job == null ? null : job.topDriver();
        }

        public SubJobRecord get(String path) {
            for (SubJobRecord r : records) {
                if (r.path().equals(path)) {
                    return r;
                }
            }
            return null;
        }

        public List<SubJobRecord> leaves() {
            return records.stream().filter(SubJobRecord::leaf).toList();
        }

        /** Sub-jobs that are split further, the root excluded. */
        public List<SubJobRecord> innerDrivers() {
            return records.stream().filter(r -> !r.leaf() && !r.path().equals(SubJobKey.ROOT)).toList();
        }

        /** Members driving some non-root sub-job (its own local sub-tree counts too). */
        public Set<UUID> driverAssignees() {
            return innerDrivers().stream().map(SubJobRecord::assignee).collect(Collectors.toSet());
        }

        /** The records of the created children of {@code parent}, or null while some are missing. */
        public List<SubJobRecord> children(SubJobRecord parent) {
            List<SubJobRecord> children = new ArrayList<>();
            for (int i = 0; i < parent.children(); i++) {
                SubJobRecord child = get(parent.path() + "." + i);
                if (child == null) {
                    return null;
                }
                children.add(child);
            }
            return children;
        }

        /** Records at or below {@code path}. */
        public List<SubJobRecord> under(String path) {
            return records.stream().filter(r -> r.path().equals(path) || r.path().startsWith(path + ".")).toList();
        }

        public long doneTasks() {
            return leaves().stream().filter(r -> r.state() == SubJobState.DONE).mapToLong(SubJobRecord::done).sum();
        }

        public Set<UUID> assigneesOf(List<SubJobRecord> list) {
            return list.stream().map(SubJobRecord::assignee).collect(Collectors.toCollection(HashSet::new));
        }
    }
}
