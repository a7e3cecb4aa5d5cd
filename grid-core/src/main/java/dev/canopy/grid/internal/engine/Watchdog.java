package dev.canopy.grid.internal.engine;

import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobState;
import dev.canopy.grid.internal.access.TrustedMembers;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's once-a-second housekeeping: marks running leaves in their records, publishes this member's
 * load, refreshes what it knows of the others, warns once about each stranger in the cluster,
 * counts jobs by state for the metrics, takes over jobs whose top driver is gone, and every few
 * ticks forgets jobs that ended, has every driver reconcile its children and writes this member's
 * proof of its key again. On a slower beat of its own ({@link #expireJobMeters()}), it removes the
 * per-job meters of job names idle here.
 *
 * <p>What it owns: only its tick counter; it acts on the member's {@link LocalJobs} and placement.
 *
 * <p>Threads: {@link #tick()} and {@link #expireJobMeters()} run on the engine's single timer
 * thread; what it starts (takeovers, reconciles) runs on the driver pool.
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final long UNSTARTED_JOB_GRACE_MILLIS = 5_000;
    private static final int RECONCILE_EVERY_TICKS = 3;
    private static final long LOST_JOB_GRACE_MILLIS = 10_000;
    /** Jobs not yet ended; answered from the {@code state} index of {@code canopy.jobs}. */
    private static final Predicate<String, JobRecord> UNFINISHED =
            Predicates.in("state", JobState.SUBMITTED, JobState.RUNNING);

    private final Shared shared;
    private final Leaves leaves;
    private final Tree tree;
    private final JobLifecycle lifecycle;
    private final WorkerPool workers;
    private final Executor driverPool;
    private final TrustedMembers trust;
    private final Quorum quorum;
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile boolean stopped;

    Watchdog(Shared shared, Leaves leaves, Tree tree, JobLifecycle lifecycle, WorkerPool workers, Executor driverPool,
             TrustedMembers trust, Quorum quorum) {
        this.quorum = quorum;
        this.trust = trust;
        this.shared = shared;
        this.leaves = leaves;
        this.tree = tree;
        this.lifecycle = lifecycle;
        this.workers = workers;
        this.driverPool = driverPool;
    }

    void tick() {
        try {
            if (!quorum.holds()) {
                // a side of a split without the quorum writes nothing: the other side recovers its work
                return;
            }
            leaves.markRunning();
            publishMemberInfo();
            shared.placement().refreshMemberInfos();
            trust.warnAboutStrangers();
            countJobsByState();
            takeOverOrphanedJobs();
            if (ticks.incrementAndGet() % RECONCILE_EVERY_TICKS == 0) {
                forgetEndedJobs();
                tree.reconcileDrivers();
                // a proof lost with a partition, or overwritten by a stranger, comes back
                trust.publish(shared.localId());
            }
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.warn("Canopy watchdog tick failed; next tick in a second", e);
            }
        }
    }

    void stop() {
        stopped = true;
    }

    /**
     * Removes the per-job meters of job names idle here for {@code metricsJobExpiry}; the names of
     * the jobs this member holds stay. On the engine's timer, every {@link GridMetrics#expirySweepMillis()}.
     */
    void expireJobMeters() {
        try {
            List<String> active = new ArrayList<>();
            for (LocalJob job : shared.jobs().all()) {
                active.add(job.spec.name());
            }
            shared.metrics().expireIdleJobs(active);
        } catch (RuntimeException e) {
            // a task scheduled at a fixed delay that throws is never run again
            LOG.warn("Expiring per-job meters failed; next try at the next sweep", e);
        }
    }

    /** Writes this member's load and the roles it holds, for placement and stealing on every member. */
    void publishMemberInfo() {
        Set<String> roles = new HashSet<>();
        roles.add("worker");
        for (LocalJob job : shared.jobs().all()) {
            for (DriverRun driver : job.drivers.values()) {
                roles.add(driver.isRoot() ? "top-driver" : "driver");
            }
        }
        shared.placement().publishMemberInfo(workers.threads(), workers.busy(), workers.queued(), roles);
    }

    /** Drops the local state of jobs whose result exists, in case this member missed the result's event. */
    private void forgetEndedJobs() {
        LocalJobs jobs = shared.jobs();
        if (jobs.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>();
        for (LocalJob job : jobs.all()) {
            ids.add(job.jobId);
        }
        for (Map.Entry<String, JobOutcome> ended : shared.maps().results.getAll(ids).entrySet()) {
            // an end that does not verify is a forger's: its job goes on (the result watch logs it)
            if ((Object) ended.getValue() instanceof JobOutcome outcome && outcome.verifies(shared.key(), ended.getKey())) {
                jobs.ended(ended.getKey());
                ids.remove(ended.getKey());
            }
        }
        // a job whose record is gone too was lost with more members than backupCount: stop its work here
        long now = System.currentTimeMillis();
        ids.removeIf(id -> jobs.get(id) == null || now - jobs.get(id).createdMillis < LOST_JOB_GRACE_MILLIS);
        if (!ids.isEmpty()) {
            Set<String> present = shared.maps().jobs.getAll(ids).keySet();
            for (String jobId : ids) {
                if (!present.contains(jobId)) {
                    LOG.warn("Job {} is gone from the grid (its record was lost); dropping its work here", jobId);
                    jobs.ended(jobId);
                }
            }
        }
    }

    /**
     * Jobs in partitions this member owns whose top driver is gone (or never came): take them over.
     * The oldest trusted member also looks at the partitions of members that are not trusted (see
     * {@code Placement.partitionKeysOfStrangers}): a stranger may own partitions, and a job whose
     * records migrated there would otherwise never be taken over. It takes only jobs whose driver is
     * gone, as the owner would, never one whose driver is merely untrusted: a member with another
     * key would take them back, and a stranger holds no job that a trusted member gave it.
     */
    private void takeOverOrphanedJobs() {
        long now = System.currentTimeMillis();
        Set<String> unfinished = new HashSet<>(shared.maps().jobs.localKeySet(UNFINISHED));
        Set<Object> elsewhere = shared.placement().partitionKeysOfStrangers();
        if (!elsewhere.isEmpty()) {
            unfinished.addAll(shared.maps().jobs.keySet(Predicates.multiPartitionPredicate(elsewhere, UNFINISHED)));
        }
        for (String jobId : unfinished) {
            JobRecord record = shared.maps().jobs.get(jobId);
            if (record == null || record.state().isTerminal()) {
                continue;
            }
            UUID driver = record.topDriver();
            boolean orphaned = driver == null ? now - record.submittedMillis() > UNSTARTED_JOB_GRACE_MILLIS
                    : !driver.equals(shared.localId()) && !shared.placement().isListed(driver);
            if (orphaned) {
                driverPool.execute(() -> takeOver(jobId, driver));
            }
        }
    }

    private void takeOver(String jobId, UUID driver) {
        try {
            // again, at the moment of taking: a split can take this side below the quorum mid-tick
            if (!quorum.holds()) {
                return;
            }
            lifecycle.startJob(jobId, driver);
        } catch (RuntimeException e) {
            LOG.warn("Could not take over job {}; the watchdog tries again in a second", jobId, e);
        }
    }

    /** By the index on {@code state}: only keys are read, however many ended jobs are kept. */
    private void countJobsByState() {
        Map<JobState, Long> counts = new java.util.EnumMap<>(JobState.class);
        for (JobState state : JobState.values()) {
            counts.put(state, (long) shared.maps().jobs.localKeySet(Predicates.equal("state", state)).size());
        }
        shared.metrics().jobsByState(counts);
    }
}
