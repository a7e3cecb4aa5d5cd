package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobId;
import dev.canopy.grid.MemberInfo;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The Canopy engine of one member: it takes the top-driver role for the jobs whose record it owns,
 * drives sub-jobs delegated to it ({@link DriverRun}), runs leaves on its {@link WorkerPool}
 * ({@link LeafRun}), and recovers work placed on members that left.
 *
 * <p>What it owns: the member's {@link LocalJob}s (spec cache, cancel flag, drivers), the worker
 * pool, a small driver pool for bookkeeping and local messages, and a timer for its watchdog. It
 * keeps the tree here (accepting, dispatching, committing and reporting sub-jobs) and leaves the
 * rest to helpers of its own: {@link JobLifecycle} starts, takes over and ends jobs;
 * {@link Placement} knows the members, their load and the partition owners; {@link Watchdog} is the
 * once-a-second housekeeping; {@link HandOver} moves work to idle members and away when it leaves.
 *
 * <p>Threads: control messages arrive on Hazelcast's {@code canopy.control} executor threads;
 * local delegations and child reports run on the driver pool (so a single member needs no network
 * hop); leaves run on workers; the watchdog runs on the timer once a second.
 *
 * <p>What it writes to the grid, all per sub-job and never per task: child records in one
 * {@code putAll} per driver, a commit per sub-job, the job record when it takes or ends a job, and
 * its own {@link MemberInfo} once a second.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final String CONTEXT_KEY = "canopy.engine";
    private static final int MAX_LEAF_RERUNS = 5;
    private static final int MAX_COMMIT_TRIES = 5;
    /** Random ids tried for one in a local partition: with m members, (1 - 1/m)^64 misses. */
    private static final int LOCAL_ID_TRIES = 64;

    private final HazelcastInstance hz;
    private final Grid grid;
    private final GridAccess access;
    private final GridMaps maps;
    private final UUID localId;
    private final WorkerPool workers;
    private final ExecutorService driverPool;
    private final ScheduledExecutorService timer;
    private final GridMetrics metrics;
    private final SerializationService serialization;
    private final Placement placement;
    private final JobLifecycle lifecycle;
    private final HandOver handOver;
    private final Watchdog watchdog;
    private final Map<String, LocalJob> localJobs = new ConcurrentHashMap<>();
    private final Set<String> ended = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            }));
    /** Leaves running on this member's workers. */
    private final Set<LeafRun> runningLeaves = ConcurrentHashMap.newKeySet();
    /** Commits sent and not yet answered; a graceful close waits for them. */
    private final AtomicInteger pendingCommits = new AtomicInteger();
    private UUID membershipRegistration;
    private volatile boolean closed;
    private volatile boolean closing;

    public Engine(HazelcastInstance hz, Grid grid, GridAccess access, EngineSettings settings, MeterRegistry registry) {
        this.hz = hz;
        this.grid = grid;
        this.access = access;
        this.maps = access.maps();
        this.localId = hz.getCluster().getLocalMember().getUuid();
        this.workers = new WorkerPool("canopy-worker", settings.workerThreads(), this::stealIfIdle);
        this.driverPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemonThreads("canopy-driver"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("canopy-watchdog"));
        this.metrics = new GridMetrics(registry, localId.toString(), workers);
        this.serialization = ((SerializationServiceSupport) hz).getSerializationService();
        this.placement = new Placement(hz, maps, settings, localId, workers);
        this.lifecycle = new JobLifecycle(this, access, settings, placement, timer);
        this.handOver = new HandOver(this, placement, workers);
        this.watchdog = new Watchdog(this, placement, driverPool);
    }

    /** The engine running on this member, or null. */
    public static Engine of(HazelcastInstance hz) {
        return (Engine) hz.getUserContext().get(CONTEXT_KEY);
    }

    public void start() {
        hz.getUserContext().put(CONTEXT_KEY, this);
        access.onJobEnded(this::jobEnded);
        membershipRegistration = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // placement reads the member list each time it splits, so a new member gets work at once
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberGone(event.getMember().getUuid());
            }
        });
        placement.publishMemberInfo(localJobs.values());
        timer.scheduleWithFixedDelay(watchdog::tick, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Leaves the grid cleanly: queued leaves go to other members, running leaves finish and commit
     * (for at most {@code drainMillis}), the sub-jobs this member drives and the jobs it is top
     * driver of are handed over, and only then does the engine stop. What finished here is never
     * redone. The member's Hazelcast keeps running.
     */
    public void close(long drainMillis) {
        if (closing) {
            return;
        }
        closing = true;
        try {
            if (!placement.others().isEmpty()) {
                handOver.leaves(workers.takeQueued(Integer.MAX_VALUE), null);
                long deadline = System.currentTimeMillis() + drainMillis;
                while ((workers.busy() > 0 || pendingCommits.get() > 0) && System.currentTimeMillis() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                handOver.drivers();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not hand all work over before leaving; the other members will recover it", e);
        }
        closed = true;
        timer.shutdownNow();
        try {
            hz.getUserContext().remove(CONTEXT_KEY);
            hz.getCluster().removeMembershipListener(membershipRegistration);
            maps.members.delete(localId);
            Collection<Member> others = placement.others();
            if (!others.isEmpty()) {
                maps.control.executeOnMembers(new Messages.EngineLeft(localId), others);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not tell the grid that this engine left; its members will notice on their own", e);
        }
        for (LocalJob job : localJobs.values()) {
            job.cancel();
        }
        workers.close();
        driverPool.shutdownNow();
    }

    // ---- starting and ending jobs -------------------------------------------------------------

    /** Stops at once, handing nothing over: the members left behind recover this member's work. */
    public void close() {
        close(0);
    }

    /**
     * An id for a job submitted on this member, chosen so that this member owns its partition: the
     * job's records are then written here, and its top driver is the member its handle waits on, so
     * neither the submit nor the result needs a hop. Falls back to any id when this member owns no
     * partition (it is joining, or lite).
     */
    public JobId newJobId() {
        for (int i = 0; i < LOCAL_ID_TRIES; i++) {
            JobId id = JobId.newId();
            Member owner = hz.getPartitionService().getPartition(id.toString()).getOwner();
            if (owner != null && owner.getUuid().equals(localId)) {
                return id;
            }
        }
        return JobId.newId();
    }

    /**
     * Submits a new job from this member: the owner of the job's partition writes its records and
     * becomes its top driver; this member when it owns the partition, without a hop.
     */
    public void submit(JobRecord record, byte[] spec) {
        Member owner = hz.getPartitionService().getPartition(record.id()).getOwner();
        if (owner != null && owner.getUuid().equals(localId)) {
            lifecycle.acceptJob(record, spec);
        } else {
            access.submitRemotely(record, spec);
        }
    }

    /** A job's result appeared (this member's result listener): forget it here and stop its work. */
    void jobEnded(String jobId) {
        ended.add(jobId);
        LocalJob job = localJobs.remove(jobId);
        if (job != null) {
            job.cancel();
            for (DriverRun driver : job.drivers.values()) {
                driver.abandon();
            }
        }
        workers.forget(jobId);
    }

    void cancelLocally(String jobId) {
        ended.add(jobId);
        LocalJob job = localJobs.get(jobId);
        if (job != null) {
            job.cancel();
        }
    }

    // ---- the tree -----------------------------------------------------------------------------

    /** A sub-job arrived for this member: queue it as a leaf, or drive it. */
    void accept(SubJobRecord subJob) {
        accept(subJob, null);
    }

    /** {@code spec}: the job's spec as the sender had it, or null to read it from the job record. */
    void accept(SubJobRecord subJob, byte[] spec) {
        LocalJob job = localJob(subJob.jobId(), spec);
        if (job == null || job.isCancelled()) {
            return;
        }
        if (closing) {
            if (subJob.leaf()) {
                handOver.leaves(List.of(new LeafRun(this, job, subJob)), null);
            } else {
                handOver.driver(subJob);
            }
            return;
        }
        if (subJob.leaf()) {
            workers.submit(job.jobId, job.spec.priority(), new LeafRun(this, job, subJob));
        } else {
            runDriver(job, subJob, true);
        }
    }

    /** Drives {@code subJob} here; {@code persisted} is false for a new root, which its first plan writes. */
    void runDriver(LocalJob job, SubJobRecord subJob, boolean persisted) {
        DriverRun driver = new DriverRun(this, job, subJob, persisted);
        DriverRun previous = job.drivers.put(subJob.path(), driver);
        if (previous != null) {
            previous.abandon();
        }
        driver.start();
    }

    void childDone(String jobId, String parentPath, String path, int attempt, List<Object> outcome) {
        LocalJob job = localJobs.get(jobId);
        DriverRun driver = job == null ? null : job.drivers.get(parentPath);
        if (driver != null) {
            driver.onChildDone(path, attempt, outcome);
        }
    }

    /** Sends a sub-job to its assignee; to this member without serialization or a hop. */
    void dispatch(SubJobRecord subJob) {
        if (subJob.assignee().equals(localId)) {
            if (subJob.leaf()) {
                accept(subJob); // only queues it
            } else {
                driverPool.execute(() -> accept(subJob));
            }
            return;
        }
        Member member = placement.member(subJob.assignee());
        if (member == null || placement.isGone(subJob.assignee())) {
            driverPool.execute(() -> memberGone(subJob.assignee()));
            return;
        }
        LocalJob job = localJobs.get(subJob.jobId());
        send(new Messages.Delegate(subJob, job == null ? null : job.specFor(subJob.assignee())), member);
    }

    void leafStarted(LeafRun run) {
        runningLeaves.add(run);
    }

    void leafEnded(LeafRun run) {
        runningLeaves.remove(run);
    }

    /**
     * Marks RUNNING in their records the leaves running here now (the watchdog calls it once a
     * second): progress and the status page show long leaves as running, at a cost of at most one
     * grid call per worker thread a second, where a call per leaf would cost more than short
     * leaves themselves.
     */
    void markRunningLeaves() {
        for (LeafRun run : runningLeaves) {
            if (run.markRunningOnce()) {
                SubJobRecord leaf = run.leaf();
                maps.subjobs.submitToKey(leaf.key(), new Processors.MarkRunning(leaf.attempt(), leaf.assignee()));
            }
        }
    }

    void commitLeaf(LocalJob job, SubJobRecord leaf, long done, List<Object> outcome) {
        if (job.unrecordedLeaves.remove(leaf.path())) {
            // straight to the root on this member, on this thread: a one-leaf job ends here
            childDone(leaf.jobId(), leaf.parentPath(), leaf.path(), leaf.attempt(), outcome);
            return;
        }
        CompletableFuture<Void> planned = parentPlan(job, leaf);
        if (planned.isDone()) {
            commitAndReport(leaf, done, outcome, 1);
            return;
        }
        // the leaf finished before its parent's plan (which holds its record) was durable
        pendingCommits.incrementAndGet();
        planned.whenComplete((ignored, error) -> {
            try {
                commitAndReport(leaf, done, outcome, 1);
            } finally {
                pendingCommits.decrementAndGet();
            }
        });
    }

    /** False while the plan holding this leaf's record is still being written (see {@link DriverRun#planWritten}). */
    boolean isRecorded(LocalJob job, SubJobRecord leaf) {
        if (job.unrecordedLeaves.contains(leaf.path())) {
            return false;
        }
        return parentPlan(job, leaf).isDone();
    }

    /** Completes when the plan holding the leaf's record is durable (at once when its driver is not here). */
    private static CompletableFuture<Void> parentPlan(LocalJob job, SubJobRecord leaf) {
        DriverRun parent = job.drivers.get(leaf.parentPath());
        return parent == null ? CompletableFuture.completedFuture(null) : parent.planWritten();
    }

    /**
     * Commits an outcome to the sub-job's record, then reports it to the parent the record names
     * (which may be a driver that adopted this child meanwhile). A commit refused as stale reports
     * nothing: a decision is durable before anyone relies on it (DESIGN principle 2).
     *
     * <p>Asynchronous: the worker goes on to its next leaf while the commit travels, so a member's
     * leaves are not paced by the round trips to the job's partition. Hazelcast retries a call
     * whose partition moves; one that fails even so is tried again a few times, then given up with
     * a warning (the job's records are unreachable: its timeout, if any, ends it).
     */
    private void commitAndReport(SubJobRecord self, long done, List<Object> outcome, int attempt) {
        pendingCommits.incrementAndGet();
        maps.subjobs.submitToKey(self.key(), new Processors.Commit(self.attempt(), self.assignee(), done, outcome))
                .whenCompleteAsync((reportTo, error) -> {
                    try {
                        if (error == null && reportTo != null) {
                            // the commit was of self's attempt: self names the child the parent hears of
                            report(self, reportTo, outcome);
                        } else if (error != null && !closed && attempt < MAX_COMMIT_TRIES) {
                            LOG.debug("Commit of {}/{} failed (try {}); trying again", self.jobId(), self.path(), attempt, error);
                            timer.schedule(() -> commitAndReport(self, done, outcome, attempt + 1),
                                    100L * attempt, TimeUnit.MILLISECONDS);
                        } else if (error != null && !closed) {
                            LOG.warn("Could not commit {}/{} after {} tries; the job's records are unreachable",
                                    self.jobId(), self.path(), attempt, error);
                        }
                    } finally {
                        pendingCommits.decrementAndGet();
                    }
                }, driverPool);
    }

    /**
     * A driver combined its children. The root's outcome goes straight to the result (written once,
     * by whichever attempt gets there first: they combine the same committed children); any other
     * driver commits its outcome to its record before reporting up.
     */
    void commitDriver(LocalJob job, DriverRun driver, List<Object> outcome) {
        SubJobRecord self = driver.record();
        job.drivers.remove(self.path(), driver);
        if (driver.isRoot()) {
            lifecycle.completeJob(job, outcome);
            return;
        }
        commitAndReport(self, 0, outcome, 1);
    }

    private void report(SubJobRecord child, UUID parent, List<Object> outcome) {
        if (parent == null) {
            return;
        }
        if (parent.equals(localId)) {
            driverPool.execute(() -> childDone(child.jobId(), child.parentPath(), child.path(),
                    child.attempt(), outcome));
            return;
        }
        Member member = placement.member(parent);
        if (member != null) {
            long bytes = send(new Messages.ChildDone(child.jobId(), child.parentPath(),
                    child.path(), child.attempt(), outcome), member);
            metrics.partialSent(bytes);
        }
    }

    /** Reading a leaf's data failed: queue it again a little later, a few times, then fail the job. */
    void rerunLater(LocalJob job, LeafRun run, SubJobRecord leaf, RuntimeException error) {
        if (++run.reruns > MAX_LEAF_RERUNS) {
            lifecycle.failOnReducer(job.jobId, error);
            return;
        }
        LOG.debug("Leaf {}/{} could not read its data; running it again", leaf.jobId(), leaf.path(), error);
        timer.schedule(() -> workers.submit(job.jobId, job.spec.priority(), run), 200L * run.reruns, TimeUnit.MILLISECONDS);
    }

    /** The idle hook of the worker pool (a method, as the pool is built before {@link #handOver}). */
    private void stealIfIdle() {
        handOver.stealIfIdle();
    }

    /** Leaves this member gave away to idle members. */
    public long stolenLeaves() {
        return handOver.stolenLeaves();
    }

    /** A member left the cluster, or its engine stopped: re-delegate what it was given. */
    void memberGone(UUID member) {
        if (member.equals(localId) || closed) {
            return;
        }
        placement.markGone(member);
        reconcileDrivers();
    }

    /** Has every driver on this member check its children's records, on the driver pool. */
    void reconcileDrivers() {
        for (LocalJob job : localJobs.values()) {
            for (DriverRun driver : job.drivers.values()) {
                driverPool.execute(driver::reconcile);
            }
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    LocalJob localJob(String jobId) {
        return localJob(jobId, null);
    }

    /** This member's state of a job, made from {@code knownSpec} (or else the job record) when it has none yet. */
    LocalJob localJob(String jobId, byte[] knownSpec) {
        LocalJob job = localJobs.get(jobId);
        if (job != null || ended.contains(jobId)) {
            return job;
        }
        byte[] bytes = knownSpec;
        if (bytes == null) {
            JobRecord record = maps.jobs.get(jobId);
            bytes = record == null ? null : record.spec();
        }
        if (bytes == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        JobSpec<Object, Object> spec = (JobSpec<Object, Object>) Codec.deserialize(bytes, classLoader());
        LocalJob loaded = new LocalJob(jobId, spec, bytes);
        LocalJob raced = localJobs.putIfAbsent(jobId, loaded);
        return raced != null ? raced : loaded;
    }

    /** The jobs this member holds state for, by id; the live map. */
    Map<String, LocalJob> localJobs() {
        return localJobs;
    }

    ClassLoader classLoader() {
        ClassLoader configured = hz.getConfig().getClassLoader();
        if (configured != null) {
            return configured;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Engine.class.getClassLoader();
    }

    /** Sends a control message; returns its serialized size, which the metrics count. */
    long send(Messages.Message message, Member member) {
        long bytes = serialization.toData(message).totalSize();
        metrics.sent(bytes);
        maps.control.executeOnMember(message, member);
        return bytes;
    }

    boolean isClosing() {
        return closing;
    }

    boolean isClosed() {
        return closed;
    }

    Placement placement() {
        return placement;
    }

    JobLifecycle lifecycle() {
        return lifecycle;
    }

    HandOver handOver() {
        return handOver;
    }

    GridMaps maps() {
        return maps;
    }

    GridMetrics metrics() {
        return metrics;
    }

    /** Control messages this member sent, received, and the bytes it sent; for the benchmark's scale figures. */
    public long[] messageCounters() {
        return new long[] {metrics.messagesSent(), metrics.messagesReceived(), metrics.messageBytes()};
    }

    UUID localId() {
        return localId;
    }

    Grid grid() {
        return grid;
    }

    HazelcastInstance hazelcast() {
        return hz;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
