package dev.canopy.grid.internal.engine;

import com.hazelcast.cluster.Member;
import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.trust.ClusterKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Commits finished sub-jobs and reports them up. A sub-job's outcome is committed to its record
 * first, checked against its attempt, and only an accepted commit is reported to the parent the
 * record names (which may be a driver that adopted the child meanwhile): a decision is durable
 * before anyone relies on it, and a stale attempt's outcome is never counted.
 *
 * <p>Commits are asynchronous: a worker goes on to its next leaf while its commit travels, so a
 * member's leaves are not paced by round trips to the job's partition. Hazelcast retries a call
 * whose partition moves; one that fails even so is tried again a few times, then the job fails,
 * as its records are unreachable: it never waits for a commit that was given up.
 *
 * <p>Threads: commits start on worker and driver-pool threads; their answers are handled on the
 * driver pool; retries wait on the timer.
 */
final class Commits {

    private static final Logger LOG = LoggerFactory.getLogger(Commits.class);
    private static final int MAX_COMMIT_TRIES = 5;

    private final GridMaps maps;
    private final LocalJobs jobs;
    private final Placement placement;
    private final Sender sender;
    private final GridMetrics metrics;
    private final Verdicts verdicts;
    private final Executor driverPool;
    private final ScheduledExecutorService timer;
    private final UUID localId;
    private final ResultLimit limit;
    /** Seals each commit, so a driver can tell it from one written by whoever lacks the key. */
    private final ClusterKey key;
    /** Commits sent and not yet answered; a graceful close waits for them. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean stopped;

    Commits(GridMaps maps, LocalJobs jobs, Placement placement, Sender sender, GridMetrics metrics, Verdicts verdicts,
            Executor driverPool, ScheduledExecutorService timer, UUID localId, ResultLimit limit, ClusterKey key) {
        this.maps = maps;
        this.key = key;
        this.jobs = jobs;
        this.placement = placement;
        this.sender = sender;
        this.metrics = metrics;
        this.verdicts = verdicts;
        this.driverPool = driverPool;
        this.timer = timer;
        this.localId = localId;
        this.limit = limit;
    }

    /** A leaf finished its tasks: commit and report, once the plan that holds its record is durable. */
    void leaf(LocalJob job, SubJobRecord leaf, long done, List<Piece> outcome) {
        if (tooLarge(job, leaf, outcome)) {
            return;
        }
        if (job.unrecordedLeaves.contains(leaf.path())) {
            // straight to the root on this member, on this thread: a one-leaf job ends here. It
            // stays unrecorded until the root has it, or the root's reconcile would take it for lost
            jobs.childDone(leaf.jobId(), leaf.parentPath(), leaf.path(), leaf.attemptId(), outcome);
            job.unrecordedLeaves.remove(leaf.path());
            return;
        }
        CompletableFuture<Void> planned = parentPlan(job, leaf);
        if (planned.isDone()) {
            commitAndReport(job, leaf, done, outcome, 1);
            return;
        }
        // the leaf finished before its parent's plan (which holds its record) was durable
        pending.incrementAndGet();
        planned.whenComplete((ignored, error) -> {
            try {
                commitAndReport(job, leaf, done, outcome, 1);
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /**
     * A driver combined its children. The root's outcome goes straight to the result (written once,
     * by whichever attempt gets there first: they combine the same committed children); any other
     * driver commits its outcome to its record before reporting up.
     */
    void driver(LocalJob job, DriverRun driver, List<Piece> outcome) {
        SubJobRecord self = driver.record();
        job.drivers.remove(self.path(), driver);
        if (self.isRoot()) {
            verdicts.complete(job, outcome);
        } else if (!tooLarge(job, self, outcome)) {
            commitAndReport(job, self, 0, outcome, 1);
        }
    }

    /** True when a partial of {@code outcome} is over {@code maxResultBytes}: the job failed, saying so. */
    private boolean tooLarge(LocalJob job, SubJobRecord self, List<Piece> outcome) {
        long size = limit.firstOver(outcome);
        if (size < 0) {
            return false;
        }
        verdicts.tooLarge(job, "the partial of sub-job " + self.path() + " (key " + self.key().jobId() + "/"
                + self.path() + " of map canopy.subjobs)", size);
        return true;
    }

    /** False while the plan holding this leaf's record is still being written (see {@link DriverRun#planWritten}). */
    boolean isRecorded(LocalJob job, SubJobRecord leaf) {
        return !job.unrecordedLeaves.contains(leaf.path()) && parentPlan(job, leaf).isDone();
    }

    /** Commits in flight. */
    int pending() {
        return pending.get();
    }

    /** The engine stopped: a commit that fails from now on is not tried again. */
    void stop() {
        stopped = true;
    }

    /** Completes when the plan holding the leaf's record is durable (at once when its driver is not here). */
    private static CompletableFuture<Void> parentPlan(LocalJob job, SubJobRecord leaf) {
        DriverRun parent = job.drivers.get(leaf.parentPath());
        return parent == null ? CompletableFuture.completedFuture(null) : parent.planWritten();
    }

    private void commitAndReport(LocalJob job, SubJobRecord self, long done, List<Piece> outcome, int tryNo) {
        pending.incrementAndGet();
        maps.subjobs.submitToKey(self.key(), new Processors.Commit(self.attemptId(), self.assignee(), done, outcome,
                        SubJobRecord.sealCommit(key, self.key(), self.attemptId(), done, outcome)))
                .whenCompleteAsync((reportTo, error) -> {
                    try {
                        if (error == null) {
                            // null: the attempt was stale, and its outcome must not be counted
                            report(self, reportTo, outcome);
                        } else if (stopped) {
                            LOG.debug("Commit of {}/{} failed as the engine stopped", self.jobId(), self.path(), error);
                        } else if (tryNo < MAX_COMMIT_TRIES) {
                            LOG.debug("Commit of {}/{} failed (try {}); trying again", self.jobId(), self.path(), tryNo, error);
                            timer.schedule(() -> commitAndReport(job, self, done, outcome, tryNo + 1),
                                    100L * tryNo, TimeUnit.MILLISECONDS);
                        } else {
                            verdicts.jobFailed(self.jobId(), job.spec.name(), "the outcome of sub-job " + self.path()
                                    + " could not be written after " + tryNo + " tries (the job's records are unreachable)",
                                    error);
                        }
                    } finally {
                        pending.decrementAndGet();
                    }
                }, driverPool);
    }

    private void report(SubJobRecord child, UUID parent, List<Piece> outcome) {
        if (parent == null) {
            return;
        }
        if (parent.equals(localId)) {
            driverPool.execute(() -> jobs.childDone(child.jobId(), child.parentPath(), child.path(),
                    child.attemptId(), outcome));
            return;
        }
        Member member = placement.member(parent);
        if (member != null) {
            long bytes = sender.send(new Messages.ChildDone(child.jobId(), child.parentPath(), child.path(),
                    child.attemptId(), outcome), member);
            metrics.partialSent(bytes);
        }
    }
}
