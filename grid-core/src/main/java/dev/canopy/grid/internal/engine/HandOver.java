package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import com.hazelcast.cluster.Member;
import dev.canopy.grid.MemberInfo;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves work this member holds to other members: queued leaves to an idle member that asks for them
 * (work stealing), and, when the engine leaves the grid cleanly, its queued leaves and the sub-jobs
 * it drives. Whatever moves is reassigned in its record first, then dispatched.
 *
 * <p>What it owns: the time of the last steal request and the count of leaves given away.
 *
 * <p>Threads: {@link #stealIfIdle()} runs on idle worker threads; {@link #giveLeaves} on Hazelcast's
 * {@code canopy.control} executor threads; the rest on whichever thread closes the engine, or on the
 * driver pool when a sub-job arrives while it closes.
 */
final class HandOver {

    private static final long STEAL_INTERVAL_MILLIS = 100;

    private final Engine engine;
    private final Placement placement;
    private final WorkerPool workers;
    private final GridMaps maps;
    private final GridMetrics metrics;
    private final UUID localId;
    private final AtomicLong lastSteal = new AtomicLong();
    private final AtomicLong stolenLeaves = new AtomicLong();

    HandOver(Engine engine, Placement placement, WorkerPool workers) {
        this.engine = engine;
        this.placement = placement;
        this.workers = workers;
        this.maps = engine.maps();
        this.metrics = engine.metrics();
        this.localId = engine.localId();
    }

    /**
     * Called by idle workers: asks the member with the most queued leaves for some of them. At most
     * one request is in flight per {@value #STEAL_INTERVAL_MILLIS} ms, so idle members do not chatter.
     */
    void stealIfIdle() {
        long now = System.currentTimeMillis();
        long last = lastSteal.get();
        if (engine.isClosed() || now - last < STEAL_INTERVAL_MILLIS || !lastSteal.compareAndSet(last, now)) {
            return;
        }
        int free = workers.idle();
        if (free <= 0) {
            return;
        }
        UUID victim = null;
        int most = 0;
        for (MemberInfo info : placement.memberInfos()) {
            if (!info.uuid().equals(localId) && info.queuedLeaves() > most && placement.isLive(info.uuid())) {
                victim = info.uuid();
                most = info.queuedLeaves();
            }
        }
        Member member = victim == null ? null : placement.member(victim);
        if (member != null) {
            engine.send(new Messages.StealRequest(localId, free), member);
        }
    }

    /** A thief asked for work: hand over queued leaves from the back of the queue, half of them at most. */
    void giveLeaves(UUID thief, int wanted) {
        if (!placement.isLive(thief) || engine.isClosed()) {
            return;
        }
        int n = Math.min(wanted, Math.max(1, workers.queued() / 2));
        leaves(workers.takeQueued(n), thief);
    }

    /** Moves queued leaves to {@code target} (or, when null, to the least loaded other member). */
    int leaves(List<Runnable> leaves, UUID target) {
        int moved = 0;
        for (Runnable r : leaves) {
            if (!(r instanceof LeafRun run)) {
                continue;
            }
            SubJobRecord leaf = run.leaf();
            UUID to = target != null ? target : placement.pickMember(List.of(), List.of(), Set.of(localId));
            if (to.equals(localId) || !engine.isRecorded(run.job(), leaf)) {
                // a leaf without a durable record cannot move: it goes with its driver, whose
                // successor plans it again
                workers.submit(leaf.jobId(), run.job().spec.priority(), run);
                continue;
            }
            SubJobRecord stolen = maps.subjobs.executeOnKey(leaf.key(), new Processors.Steal(leaf.attempt(), localId, to));
            if (stolen != null) {
                stolenLeaves.incrementAndGet();
                metrics.stole();
                moved++;
                engine.dispatch(stolen);
            }
        }
        return moved;
    }

    /** Leaves this member gave away to idle members. */
    long stolenLeaves() {
        return stolenLeaves.get();
    }

    /** Gives every sub-job this member still drives to another member, which adopts its children. */
    void drivers() {
        for (LocalJob job : engine.localJobs().values()) {
            for (DriverRun driver : job.drivers.values()) {
                if (driver.isFinished()) {
                    continue;
                }
                driver.abandon();
                driver(driver.record());
            }
        }
    }

    /** Gives the sub-job {@code self} to another member: the job itself, as its top driver, for a root. */
    void driver(SubJobRecord self) {
        UUID target = placement.pickMember(self.group(), List.of(), Set.of(localId));
        if (target.equals(localId)) {
            return;
        }
        if (self.parentPath() == null) {
            Member member = placement.member(target);
            if (member != null) {
                engine.send(new Messages.TakeOver(self.jobId(), localId), member);
            }
            return;
        }
        SubJobRecord moved = maps.subjobs.executeOnKey(self.key(),
                new Processors.Reassign(self.attempt(), target, self.reportTo()));
        if (moved != null && moved.state() != SubJobState.DONE && moved.assignee().equals(target)) {
            engine.dispatch(moved);
        }
    }
}
