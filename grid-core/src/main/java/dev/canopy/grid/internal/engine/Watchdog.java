package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobRecord;

import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's once-a-second housekeeping: marks running leaves in their records, publishes this member's
 * load, refreshes what it knows of the others, counts jobs by state for the metrics, takes over
 * jobs whose top driver is gone, and every few ticks forgets jobs that ended and has every driver
 * reconcile its children.
 *
 * <p>What it owns: only its tick counter; it acts on the {@link Engine}'s jobs and {@link Placement}.
 *
 * <p>Threads: {@link #tick()} runs on the engine's single timer thread; what it starts (takeovers,
 * reconciles) runs on the driver pool.
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final long UNSTARTED_JOB_GRACE_MILLIS = 5_000;
    private static final int RECONCILE_EVERY_TICKS = 3;
    private static final long LOST_JOB_GRACE_MILLIS = 10_000;
    /** Jobs not yet ended; answered from the {@code state} index of {@code canopy.jobs}. */
    private static final Predicate<String, JobRecord> UNFINISHED =
            Predicates.in("state", JobState.SUBMITTED, JobState.RUNNING);

    private final Engine engine;
    private final Placement placement;
    private final GridMaps maps;
    private final GridMetrics metrics;
    private final Executor driverPool;
    private final UUID localId;
    private final AtomicInteger ticks = new AtomicInteger();

    Watchdog(Engine engine, Placement placement, Executor driverPool) {
        this.engine = engine;
        this.placement = placement;
        this.maps = engine.maps();
        this.metrics = engine.metrics();
        this.driverPool = driverPool;
        this.localId = engine.localId();
    }

    void tick() {
        try {
            engine.markRunningLeaves();
            placement.publishMemberInfo(engine.localJobs().values());
            placement.refreshMemberInfos();
            countJobsByState();
            takeOverOrphanedJobs();
            if (ticks.incrementAndGet() % RECONCILE_EVERY_TICKS == 0) {
                forgetEndedJobs();
                engine.reconcileDrivers();
            }
        } catch (RuntimeException e) {
            if (!engine.isClosed()) {
                LOG.warn("Canopy watchdog tick failed; next tick in a second", e);
            }
        }
    }

    /** Drops the local state of jobs whose result exists, in case this member missed the result's event. */
    private void forgetEndedJobs() {
        Map<String, LocalJob> localJobs = engine.localJobs();
        if (localJobs.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>(localJobs.keySet());
        for (String jobId : maps.results.getAll(ids).keySet()) {
            engine.jobEnded(jobId);
            ids.remove(jobId);
        }
        // a job whose record is gone too was lost with more members than backupCount: stop its work here
        long now = System.currentTimeMillis();
        ids.removeIf(id -> localJobs.get(id) == null || now - localJobs.get(id).createdMillis < LOST_JOB_GRACE_MILLIS);
        if (!ids.isEmpty()) {
            Set<String> present = maps.jobs.getAll(ids).keySet();
            for (String jobId : ids) {
                if (!present.contains(jobId)) {
                    LOG.warn("Job {} is gone from the grid (its record was lost); dropping its work here", jobId);
                    engine.jobEnded(jobId);
                }
            }
        }
    }

    /** Jobs in partitions this member owns whose top driver is gone (or never came): take them over. */
    private void takeOverOrphanedJobs() {
        long now = System.currentTimeMillis();
        for (String jobId : maps.jobs.localKeySet(UNFINISHED)) {
            JobRecord record = maps.jobs.get(jobId);
            if (record == null || record.state().isTerminal()) {
                continue;
            }
            UUID driver = record.topDriver();
            boolean orphaned = driver == null ? now - record.submittedMillis() > UNSTARTED_JOB_GRACE_MILLIS
                    : !driver.equals(localId) && !placement.isLive(driver);
            if (orphaned) {
                driverPool.execute(() -> engine.lifecycle().startJob(jobId, driver));
            }
        }
    }

    /** By the index on {@code state}: only keys are read, however many ended jobs are kept. */
    private void countJobsByState() {
        Map<JobState, Long> counts = new java.util.EnumMap<>(JobState.class);
        for (JobState state : JobState.values()) {
            counts.put(state, (long) maps.jobs.localKeySet(Predicates.equal("state", state)).size());
        }
        metrics.jobsByState(counts);
    }
}
