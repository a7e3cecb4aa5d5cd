package dev.canopy.grid.internal.engine;

import com.hazelcast.cluster.Member;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Moves work this member holds to other members: queued leaves to an idle member that asks for them
 * (work stealing), and, when the engine leaves the grid cleanly, its queued leaves and the sub-jobs
 * it drives. Whatever moves is reassigned in its record first, then dispatched; a leaf whose move
 * fails stays queued here.
 *
 * <p>What it owns: the time of the last steal request and the count of leaves given away.
 *
 * <p>Threads: {@link #stealIfIdle()} runs on idle worker threads; {@link #giveLeaves} on Hazelcast's
 * {@code canopy.control} executor threads; the rest on whichever thread closes the engine, or on the
 * driver pool when a sub-job arrives while it closes.
 */
final class HandOver {

    private static final Logger LOG = LoggerFactory.getLogger(HandOver.class);
    private static final long STEAL_INTERVAL_MILLIS = 100;

    private final Shared shared;
    private final WorkerPool workers;
    private final Sender sender;
    /** Sends a moved sub-job to its new assignee. */
    private final Consumer<SubJobRecord> dispatch;
    private final AtomicLong lastSteal = new AtomicLong();
    private final AtomicLong stolenLeaves = new AtomicLong();
    private volatile boolean stopped;

    HandOver(Shared shared, WorkerPool workers, Sender sender, Consumer<SubJobRecord> dispatch) {
        this.shared = shared;
        this.workers = workers;
        this.sender = sender;
        this.dispatch = dispatch;
    }

    /**
     * Called by idle workers: asks the member with the most queued leaves for some of them. At most
     * one request is in flight per {@value #STEAL_INTERVAL_MILLIS} ms, so idle members do not chatter.
     */
    void stealIfIdle() {
        long now = System.currentTimeMillis();
        long last = lastSteal.get();
        if (stopped || now - last < STEAL_INTERVAL_MILLIS || !lastSteal.compareAndSet(last, now)) {
            return;
        }
        int free = workers.idle();
        if (free <= 0) {
            return;
        }
        Placement placement = shared.placement();
        UUID victim = null;
        int most = 0;
        for (MemberInfo info : placement.memberInfos()) {
            if (!info.uuid().equals(shared.localId()) && info.queuedLeaves() > most && placement.isLive(info.uuid())) {
                victim = info.uuid();
                most = info.queuedLeaves();
            }
        }
        Member member = victim == null ? null : placement.member(victim);
        if (member != null) {
            sender.send(new Messages.StealRequest(shared.localId(), free), member);
        }
    }

    /** A thief asked for work: hand over queued leaves from the back of the queue, half of them at most. */
    void giveLeaves(UUID thief, int wanted) {
        if (!shared.placement().isLive(thief) || stopped) {
            return;
        }
        int n = Math.min(wanted, Math.max(1, workers.queued() / 2));
        leaves(workers.takeQueued(n, this::canMove), thief);
    }

    /** Every queued leaf that can move, for a clean leave. */
    List<Runnable> allMovable() {
        return workers.takeQueued(Integer.MAX_VALUE, this::canMove);
    }

    /** A leaf can move only once its record is durable; one without goes with its driver, whose successor plans it again. */
    private boolean canMove(Runnable queued) {
        return queued instanceof LeafRun run && shared.commits().isRecorded(run.job(), run.leaf());
    }

    /** Moves queued leaves to {@code target} (or, when null, to the least loaded other member); those that cannot move stay. */
    int leaves(List<Runnable> taken, UUID target) {
        int moved = 0;
        for (Runnable r : taken) {
            LeafRun run = (LeafRun) r;
            SubJobRecord leaf = run.leaf();
            UUID to = target != null ? target
                    : shared.placement().pickMember(List.of(), List.of(), Set.of(shared.localId()));
            SubJobRecord stolen = null;
            try {
                if (!to.equals(shared.localId()) && canMove(run)) {
                    stolen = shared.maps().subjobs.executeOnKey(leaf.key(),
                            new Processors.Steal(leaf.attemptId(), shared.localId(), to));
                }
            } catch (RuntimeException e) {
                LOG.debug("Could not move leaf {}/{} to {}; it stays here", leaf.jobId(), leaf.path(), to, e);
            }
            if (stolen == null) {
                workers.submit(leaf.jobId(), run.job().spec.settings().priority(), run);
                continue;
            }
            stolenLeaves.incrementAndGet();
            shared.metrics().stole();
            moved++;
            dispatch.accept(stolen);
        }
        return moved;
    }

    /** Leaves this member gave away to idle members. */
    long stolenLeaves() {
        return stolenLeaves.get();
    }

    /** Gives every sub-job this member still drives to another member, which adopts its children. */
    void drivers() {
        for (LocalJob job : shared.jobs().all()) {
            for (DriverRun driver : job.drivers.values()) {
                if (driver.isFinished()) {
                    continue;
                }
                driver.abandon();
                try {
                    driver(driver.record());
                } catch (RuntimeException e) {
                    LOG.debug("Could not hand {}/{} over; its parent re-delegates it when this member leaves",
                            job.jobId, driver.record().path(), e);
                }
            }
        }
    }

    /** Gives the sub-job {@code self} to another member: the job itself, as its top driver, for a root. */
    void driver(SubJobRecord self) {
        Placement placement = shared.placement();
        UUID target = placement.pickMember(self.group(), List.of(), Set.of(shared.localId()));
        if (target.equals(shared.localId())) {
            return;
        }
        if (self.isRoot()) {
            Member member = placement.member(target);
            if (member != null) {
                sender.send(new Messages.TakeOver(self.jobId(), shared.localId()), member);
            }
            return;
        }
        SubJobRecord moved = shared.maps().subjobs.executeOnKey(self.key(),
                new Processors.Reassign(self.attemptId(), target, self.reportTo()));
        if (moved != null && moved.state() != SubJobState.DONE && moved.assignee().equals(target)) {
            dispatch.accept(moved);
        }
    }

    /** The engine stopped: no more steals. */
    void stop() {
        stopped = true;
    }
}
