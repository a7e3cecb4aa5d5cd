package dev.canopy.grid.internal.engine;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobId;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.access.MemberEngine;
import dev.canopy.grid.internal.access.TrustedMembers;
import dev.canopy.grid.internal.code.CodeStore;
import dev.canopy.grid.internal.code.JobLoaders;
import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.trust.ClusterKey;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The Canopy engine of one member: it takes the top-driver role for the jobs whose record it owns,
 * drives sub-jobs delegated to it, runs leaves on its worker pool, and recovers work placed on
 * members that left.
 *
 * <p>What it owns: the threads (a {@link WorkerPool} for leaves, a small driver pool for
 * bookkeeping and local messages, a timer for its {@link Watchdog}), and the parts it builds, once,
 * bottom up, none of which refers back to it: {@link LocalJobs} (the jobs it takes part in),
 * {@link Commits} (committing and reporting sub-jobs), {@link Verdicts} (ending jobs),
 * {@link Leaves} and {@link Tree} (running and delegating sub-jobs), {@link JobLifecycle} (starting
 * and taking over jobs), {@link HandOver} (stealing and leaving) and {@link Placement}. The engine
 * itself only starts and stops them and routes what arrives: membership events and messages.
 *
 * <p>Threads: control messages arrive on Hazelcast's {@code canopy.control} executor threads;
 * local delegations and child reports run on the driver pool (so a single member needs no network
 * hop); leaves run on workers; the watchdog runs on the timer once a second.
 *
 * <p>What it writes to the grid, all per sub-job and never per task: child records in one
 * {@code putAll} per driver, a commit per sub-job, the job record when it takes or ends a job, and
 * its own {@link MemberInfo} once a second.
 */
public final class Engine implements MemberEngine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** Where members keep the code jobs ship, by content: shared by every member of the JVM. */
    private static final Path CODE_CACHE = Path.of(System.getProperty("java.io.tmpdir"), "canopy-code");
    /** A class loader no job has used for this long is closed. */
    private static final Duration LOADER_IDLE = Duration.ofMinutes(5);
    private static final int MAX_LOADERS = 64;
    /** Random ids tried for one in a local partition: with m members, (1 - 1/m)^64 misses. */
    private static final int LOCAL_ID_TRIES = 64;

    private final HazelcastInstance hz;
    private final GridAccess access;
    private final UUID localId;
    private final WorkerPool workers;
    private final ExecutorService driverPool;
    private final ScheduledExecutorService timer;
    private final GridMetrics metrics;
    private final Placement placement;
    private final TrustedMembers trust;
    private final LocalJobs jobs;
    private final Sender sender;
    private final Commits commits;
    private final HandOver handOver;
    private final Tree tree;
    private final JobLifecycle lifecycle;
    private final Watchdog watchdog;
    private final GraphDrivers graphs;
    private final Quorum quorum;
    private final Leaves leaves;
    private final CodeStore codeStore;
    private final JobLoaders jobLoaders;
    private final CodeUpkeep codeUpkeep;
    private final MemberHealth health = new MemberHealth();
    private UUID membershipRegistration;
    private volatile boolean closing;

    public Engine(HazelcastInstance hz, Grid grid, GridAccess access, EngineSettings settings, MeterRegistry registry) {
        this.hz = hz;
        this.access = access;
        this.localId = hz.getCluster().getLocalMember().getUuid();
        GridMaps maps = access.maps();
        this.workers = new WorkerPool("canopy-worker", settings.workerThreads(), this::stealIfIdle);
        this.driverPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemonThreads("canopy-driver"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("canopy-watchdog"));
        this.metrics = new GridMetrics(registry, localId.toString(), workers, settings.metricsJobNames(),
                settings.metricsJobExpiryMillis());
        this.trust = new TrustedMembers(hz, maps.engines, access.clusterKey(), System::currentTimeMillis);
        this.placement = new Placement(hz, maps, localId, settings.workerThreads(), settings.fanOut(),
                trust::isTrusted);
        this.codeStore = new CodeStore(hz);
        this.jobLoaders = new JobLoaders(CODE_CACHE, classLoader(hz), codeStore::read, LOADER_IDLE, MAX_LOADERS);
        this.jobs = new LocalJobs(maps, access.clusterKey(), classLoader(hz), jobLoaders, workers::forget, metrics);
        this.codeUpkeep = new CodeUpkeep(jobs, codeStore, jobLoaders, settings.codeTtlMillis());
        this.sender = new Sender(hz, maps.control, metrics, access.clusterKey());
        ResultLimit limit = new ResultLimit(settings.maxResultBytes(),
                ((SerializationServiceSupport) hz).getSerializationService());
        Verdicts verdicts = new Verdicts(access.ends(), maps, limit);
        this.commits = new Commits(maps, jobs, placement, sender, metrics, verdicts, driverPool, timer, localId,
                limit, access.clusterKey());
        Shared shared = new Shared(hz, grid, localId, access.clusterKey(), maps, placement, metrics, jobs, commits,
                verdicts, health, System::currentTimeMillis);
        this.leaves = new Leaves(shared, workers, timer, settings.cancelGraceMillis());
        this.handOver = new HandOver(shared, workers, sender, this::dispatch);
        this.tree = new Tree(shared, leaves, sender, handOver, driverPool);
        this.lifecycle = new JobLifecycle(shared, tree, settings.leafSize(), timer);
        this.quorum = new Quorum(hz, settings.minClusterSize());
        this.watchdog = new Watchdog(shared, leaves, tree, lifecycle, workers, driverPool, trust, quorum);
        this.graphs = new GraphDrivers(shared, access, driverPool, timer, () -> newJobId(true), this::submit,
                quorum::holds);
    }

    /** The engine running on this member, or null. */
    public static Engine of(HazelcastInstance hz) {
        return MemberEngine.of(hz) instanceof Engine engine ? engine : null;
    }

    /** Joins the grid: registers on the instance (one engine per member), then starts listening and working. */
    public void start() {
        try {
            MemberEngine.register(hz, this);
        } catch (IllegalStateException e) {
            timer.shutdownNow();
            driverPool.shutdownNow();
            throw e;
        }
        access.watch().onJobEnded(jobs::ended);
        access.watch().onlyFor(jobId -> jobs.get(jobId) != null);
        membershipRegistration = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // placement reads the member list each time it splits, so a new member gets work at once
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                tree.memberGone(event.getMember().getUuid());
                trust.forget(event.getMember().getUuid());
            }
        });
        workers.start();
        leaves.startSupervising();
        // the proof before the MemberInfo: a member that others see working is one they can verify
        trust.publish(localId);
        watchdog.publishMemberInfo();
        timer.scheduleWithFixedDelay(watchdog::tick, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::takeOverGraphs, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(codeUpkeep::run, CodeUpkeep.PERIOD_SECONDS, CodeUpkeep.PERIOD_SECONDS,
                TimeUnit.SECONDS);
        long sweep = metrics.expirySweepMillis();
        timer.scheduleWithFixedDelay(watchdog::expireJobMeters, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * Leaves the grid cleanly: queued leaves go to other members, running leaves finish and commit
     * (for at most {@code drainMillis}), the sub-jobs this member drives and the jobs it is top
     * driver of are handed over, and only then does the engine stop. What finished here is never
     * redone. A leaf still running then (one whose task called {@code System.exit} among them) is
     * not handed over as fresh work: its record says it was running, so its rerun elsewhere counts
     * as an attempt of its tasks. The member's Hazelcast keeps running.
     */
    public void close(long drainMillis) {
        if (closing) {
            return;
        }
        closing = true;
        boolean jvmExiting = jvmExiting();
        tree.startClosing();
        try {
            if (!placement.others().isEmpty()) {
                handOver.leaves(handOver.allMovable(), null);
                long deadline = System.currentTimeMillis() + drainMillis;
                // busy workers, not running leaves: a worker that took a leaf and has not started it yet counts
                while ((workers.busy() > leaves.busyNotWaitedFor() || commits.pending() > 0)
                        && System.currentTimeMillis() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
            leaves.recordLeftRunning(jvmExiting);
            if (!placement.others().isEmpty()) {
                handOver.drivers();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not hand all work over before leaving; the other members will recover it", e);
        }
        stop(true);
    }

    /**
     * Stops at once without a single grid call: this member is being merged back into the cluster
     * after a network split, under a new member id, and the side it rejoins recovered its work
     * long ago (to that side, this member left). Its maps are being reset, so a call could only wait.
     */
    public void fence() {
        if (closing) {
            return;
        }
        closing = true;
        tree.startClosing();
        stop(false);
    }

    /** Stops at once, handing nothing over: the members left behind recover this member's work. */
    public void close() {
        close(0);
    }

    /** Stops every part; {@code tellTheGrid}: first withdraws this engine's entries and tells the others it left. */
    private void stop(boolean tellTheGrid) {
        graphs.stop();
        tree.closed();
        commits.stop();
        handOver.stop();
        watchdog.stop();
        timer.shutdownNow();
        MemberEngine.unregister(hz, this);
        try {
            hz.getCluster().removeMembershipListener(membershipRegistration);
            if (tellTheGrid) {
                access.maps().members.delete(localId);
                trust.withdraw(localId);
                sender.sendToAll(new Messages.EngineLeft(localId), placement.others());
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not tell the grid that this engine left; its members will notice on their own", e);
        }
        jobs.cancelAll();
        workers.close();
        driverPool.shutdownNow();
        jobLoaders.close();
    }

    /**
     * An id for a job submitted on this member, chosen, when {@code drivenHere}, so that this member
     * owns its partition: the job's records are then written here, and its top driver is the member
     * its handle waits on, so neither the submit nor the result needs a hop. Otherwise, or when this
     * member owns no partition (it is joining, or lite), an id whose partition a trusted member owns
     * (see {@link TrustedMembers#newJobId()}): a stranger that owned it would refuse the job, or get it.
     */
    public JobId newJobId(boolean drivenHere) {
        for (int i = 0; drivenHere && i < LOCAL_ID_TRIES; i++) {
            JobId id = JobId.newId();
            if (ownsPartitionOf(id.toString())) {
                return id;
            }
        }
        return trust.newJobId();
    }

    /**
     * Submits a new job from this member: the owner of the job's partition writes its records and
     * becomes its top driver; this member when it owns the partition, without a hop.
     */
    public void submit(JobRecord record, byte[] spec) {
        if (ownsPartitionOf(record.id())) {
            quorum.require("job " + record.id() + " ('" + record.name() + "')");
            lifecycle.acceptJob(record, spec);
        } else {
            access.submitRemotely(record, spec);
        }
    }

    /**
     * Submits a new job graph from this member: the owner of the graph's partition writes its record
     * and drives it; this member when it owns the partition, without a hop.
     */
    public void submitGraph(GraphRecord record, byte[] spec) {
        if (ownsPartitionOf(record.id())) {
            quorum.require("graph " + record.id() + " ('" + record.name() + "')");
            graphs.accept(record, spec);
        } else {
            access.graphs().submitRemotely(record, spec, access);
        }
    }

    @Override
    public void acceptGraph(GraphRecord record, byte[] spec) {
        metrics.received();
        quorum.require("graph " + record.id() + " ('" + record.name() + "')");
        graphs.accept(record, spec);
    }

    /** The graphs' once-a-second takeover; on the timer, so a failure must not end the schedule. */
    private void takeOverGraphs() {
        try {
            if (!quorum.holds()) {
                return;
            }
            graphs.tick();
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.warn("Looking for graphs to take over failed; next try in a second", e);
            }
        }
    }

    private boolean ownsPartitionOf(String key) {
        Member owner = hz.getPartitionService().getPartition(key).getOwner();
        return owner != null && owner.getUuid().equals(localId);
    }

    @Override
    public void acceptJob(JobRecord record, byte[] spec) {
        metrics.received();
        quorum.require("job " + record.id() + " ('" + record.name() + "')");
        lifecycle.acceptJob(record, spec);
    }

    @Override
    public void cancelLocally(String jobId) {
        jobs.cancel(jobId);
    }

    /** A message from another member's engine, on a {@code canopy.control} thread: hands it to the part it is for. */
    void receive(Messages.Message message) {
        metrics.received();
        try {
            if (message instanceof Messages.Delegate d) {
                tree.accept(d.child(), d.spec());
            } else if (message instanceof Messages.ChildDone c) {
                jobs.childDone(c.jobId(), c.parentPath(), c.path(), c.attempt(), c.outcome());
            } else if (message instanceof Messages.StealRequest s) {
                handOver.giveLeaves(s.thief(), s.wanted());
            } else if (message instanceof Messages.TakeOver t) {
                lifecycle.startJob(t.jobId(), t.leaving());
            } else if (message instanceof Messages.EngineLeft left) {
                tree.memberGone(left.member());
            }
        } catch (RuntimeException e) {
            // a lost message costs time, never correctness: reconciles and the watchdog redo its work
            LOG.warn("Handling {} failed", message, e);
        }
    }

    /** Sends a sub-job to its assignee (for the hand-over, and for tests that move work by hand). */
    void dispatch(SubJobRecord subJob) {
        tree.dispatch(subJob);
    }

    /** The idle hook of the worker pool. */
    private void stealIfIdle() {
        if (quorum.holds()) {
            handOver.stealIfIdle();
        }
    }

    /** The member id this engine runs under (a member merged back after a split runs a new engine under a new id). */
    public UUID memberId() {
        return localId;
    }

    /** The error that impaired this member, if one did (see {@link MemberHealth}). */
    public Optional<Throwable> fatalError() {
        return health.fatalError();
    }

    /** Runs {@code listener} once, when a task's error impairs this member. */
    public void onFatalError(Consumer<? super Throwable> listener) {
        health.onFatalError(listener);
    }

    /** What this member signs with and verifies against. */
    @Override
    public ClusterKey clusterKey() {
        return access.clusterKey();
    }

    /** Class loaders open for shipped code. */
    public int jobClassLoaders() {
        return jobLoaders.size();
    }

    /** Leaves this member gave away to idle members. */
    public long stolenLeaves() {
        return handOver.stolenLeaves();
    }

    /** Control messages this member sent, received, and the bytes it sent; for the benchmark's scale figures. */
    public long[] messageCounters() {
        return new long[] {metrics.messagesSent(), metrics.messagesReceived(), metrics.messageBytes()};
    }

    /** Where job specs' classes are found: the member's configured loader, else the starting thread's. */
    private static ClassLoader classLoader(HazelcastInstance hz) {
        ClassLoader configured = hz.getConfig().getClassLoader();
        if (configured != null) {
            return configured;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Engine.class.getClassLoader();
    }

    /** True once the JVM runs its shutdown hooks: no hook can be added then. */
    private static boolean jvmExiting() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "Engine[" + localId + "]";
    }
}
