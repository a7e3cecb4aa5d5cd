package dev.canopy.grid.internal.engine;

import com.hazelcast.cluster.Member;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.trust.NotSignedException;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The job trees' sub-jobs on this member: takes a sub-job delegated here (a leaf is queued, a
 * driver started), delegates children to their assignees, and, when a member leaves, has every
 * driver here re-delegate what that member was given.
 *
 * <p>Threads: sub-jobs arrive on {@code canopy.control} executor threads, or on driver-pool threads
 * when they come from this member itself (no serialization, no hop); member-loss handling runs on
 * membership-listener and control threads and starts reconciles on the driver pool.
 */
final class Tree {

    private static final Logger LOG = LoggerFactory.getLogger(Tree.class);

    private final Shared shared;
    private final Leaves leaves;
    private final Sender sender;
    private final HandOver handOver;
    private final Executor driverPool;
    private volatile boolean closing;
    private volatile boolean closed;

    Tree(Shared shared, Leaves leaves, Sender sender, HandOver handOver, Executor driverPool) {
        this.shared = shared;
        this.leaves = leaves;
        this.sender = sender;
        this.handOver = handOver;
        this.driverPool = driverPool;
    }

    /**
     * A sub-job arrived for this member: queue it as a leaf, or drive it; a copy of one this member
     * already holds at the same attempt is ignored. {@code spec}: the job's spec as the sender had
     * it, or null to read it from the job record. A member that cannot
     * read the spec fails the job, naming why, rather than leave its driver waiting.
     */
    void accept(SubJobRecord subJob, byte[] spec) {
        LocalJob job;
        try {
            job = shared.jobs().load(subJob.jobId(), spec);
        } catch (NotSignedException e) {
            // never fail the job it names: the sender may be a forger
            Refusals.warn(shared.hz(), "sub-job " + subJob.jobId() + "/" + subJob.path(), null, e.getMessage());
            return;
        } catch (LocalJobs.UnreadableSpec e) {
            shared.verdicts().jobFailed(subJob.jobId(), null, "member " + shared.localId()
                    + " cannot read the job's spec for sub-job " + subJob.path(), e.getCause());
            return;
        }
        if (job == null || job.isCancelled()) {
            return;
        }
        if (closing) {
            if (subJob.leaf()) {
                handOver.leaves(List.of(leaves.newRun(job, subJob)), null);
            } else {
                handOver.driver(subJob);
            }
            return;
        }
        if (subJob.leaf()) {
            if (job.heldLeaves.add(heldKey(subJob))) {
                leaves.queue(leaves.newRun(job, subJob));
            }
        } else {
            DriverRun driving = job.drivers.get(subJob.path());
            if (driving == null || !driving.record().attemptId().equals(subJob.attemptId())) {
                runDriver(job, subJob, true);
            }
        }
    }

    /** How {@link LocalJob#heldLeaves} names a leaf: its path and attempt. */
    static String heldKey(SubJobRecord leaf) {
        return leaf.path() + "@" + leaf.attemptId();
    }

    /** Drives {@code subJob} here; {@code persisted} is false for a new root, which its first plan writes. */
    void runDriver(LocalJob job, SubJobRecord subJob, boolean persisted) {
        DriverRun driver = new DriverRun(shared, this, job, subJob, persisted);
        DriverRun previous = job.drivers.put(subJob.path(), driver);
        if (previous != null) {
            previous.abandon();
        }
        driver.start();
    }

    /** Sends a sub-job to its assignee; to this member without serialization or a hop. */
    void dispatch(SubJobRecord subJob) {
        UUID assignee = subJob.assignee();
        if (assignee.equals(shared.localId())) {
            if (subJob.leaf()) {
                accept(subJob, null); // only queues it
            } else {
                driverPool.execute(() -> accept(subJob, null));
            }
            return;
        }
        Member member = shared.placement().member(assignee);
        if (member == null || shared.placement().isGone(assignee)) {
            driverPool.execute(() -> memberGone(assignee));
            return;
        }
        LocalJob job = shared.jobs().get(subJob.jobId());
        sender.send(new Messages.Delegate(subJob, job == null ? null : job.specFor(assignee)), member);
    }

    /** A member left the cluster, or its engine stopped: re-delegate what it was given. */
    void memberGone(UUID member) {
        if (member.equals(shared.localId()) || closed) {
            return;
        }
        shared.placement().markGone(member);
        reconcileDrivers();
    }

    /** Has every driver on this member check its children's records, on the driver pool. */
    void reconcileDrivers() {
        for (LocalJob job : shared.jobs().all()) {
            for (DriverRun driver : job.drivers.values()) {
                driverPool.execute(() -> {
                    try {
                        driver.reconcile();
                    } catch (RuntimeException e) {
                        LOG.debug("Job {}: reconciling {} failed; the watchdog tries again in a few seconds",
                                job.jobId, driver.record().path(), e);
                    }
                });
            }
        }
    }

    /** From now on, sub-jobs that arrive are handed to other members. */
    void startClosing() {
        closing = true;
    }

    void closed() {
        closed = true;
    }

    boolean isClosing() {
        return closing;
    }
}
