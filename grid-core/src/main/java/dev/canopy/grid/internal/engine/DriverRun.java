package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.placement.Splitter;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.store.AttemptId;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Drives one sub-job on this member: splits it into children (or adopts the children a previous
 * driver left in the records), delegates them, fills the holes of failed tasks with retries on
 * other members, re-delegates the children of members that left, and once every child has
 * committed, combines their partials in task order and commits its own outcome. The rules are
 * {@link DriverState}'s; this class does the grid calls and the sending they ask for.
 *
 * <p>Threads: started on a driver-pool thread; child outcomes arrive on control or driver-pool
 * threads. Grid calls are made outside the state's lock.
 */
final class DriverRun {

    private static final Logger LOG = LoggerFactory.getLogger(DriverRun.class);

    private final Shared shared;
    private final Tree tree;
    private final LocalJob job;
    private final SubJobRecord self;
    private final DriverState state;
    /** False for a new root, whose record the first plan writes together with its children. */
    private final boolean persisted;
    /**
     * Completes when this driver's plan is durable. Leaves it placed here start before that (see
     * {@link #plan}); their commits wait for it, as their records are part of it.
     */
    private volatile CompletableFuture<Void> planWritten = CompletableFuture.completedFuture(null);

    DriverRun(Shared shared, Tree tree, LocalJob job, SubJobRecord self, boolean persisted) {
        this.shared = shared;
        this.tree = tree;
        this.job = job;
        this.self = self;
        this.persisted = persisted;
        this.state = new DriverState(self, job.spec.source(), job.spec.settings().maxAttempts(),
                triedOn -> shared.placement().pickMember(List.of(), self.group(), triedOn),
                shared.localId(), shared.clock());
    }

    SubJobRecord record() {
        return self;
    }

    boolean isRoot() {
        return self.isRoot();
    }

    /** Splits or adopts, then delegates. */
    void start() {
        DriverState.Step step = self.children() > 0 ? adopt() : null;
        apply(step != null ? step : plan());
    }

    /** Writes this sub-job's children and returns them to dispatch (or, with none, ready at once). */
    private DriverState.Step plan() {
        Splitter splitter = shared.placement().splitter(job.spec.settings().fanOut(), self.leafSize());
        List<Splitter.Child> plan = splitter.split(self.slice(), shared.placement().liveGroup(self.group()));
        long now = shared.clock().getAsLong();
        Map<SubJobKey, SubJobRecord> records = new LinkedHashMap<>();
        SubJobRecord[] planned = new SubJobRecord[plan.size()];
        for (int i = 0; i < plan.size(); i++) {
            Splitter.Child c = plan.get(i);
            planned[i] = SubJobRecord.builder(self.jobId(), self.path() + "." + i).parentPath(self.path())
                    .leaf(c.leaf()).slice(c.slice()).group(c.group()).assignee(c.assignee())
                    .reportTo(shared.localId()).plan(self.attempt()).leafSize(self.leafSize()).updatedMillis(now)
                    .build();
            records.put(planned[i].key(), planned[i]);
        }
        CompletableFuture<Void> written = writePlan(planned, records, now);
        if (persisted && allLocalLeaves(planned)) {
            // a sub-driver whose children all run here starts them while its plan travels: a member
            // busy with other leaves can take milliseconds to make it durable, and were this member
            // to die meanwhile its leaves would die with it. Nothing leaves the member before the
            // plan is durable: commits wait for it (Commits.leaf), steals skip these leaves
            planWritten = written.whenComplete((ignored, error) -> {
                if (error != null) {
                    shared.verdicts().jobFailed(self.jobId(), job.spec.name(), "the plan of sub-job " + self.path()
                            + " could not be written (the job's records are unreachable)", error);
                }
            });
        } else {
            written.join();
        }
        shared.metrics().delegated(planned.length);
        DriverState.Step step = state.planned(planned);
        return new DriverState.Step(List.of(planned), List.of(), step.ready());
    }

    /**
     * Writes the plan's records: the children in one call (they share the job's partition: one
     * operation and one backup), with this record's child count, in parallel. A driver that dies
     * midway is re-planned by its successor, whose children belong to a later plan, so a
     * half-written plan is never mixed with the new one.
     */
    private CompletableFuture<Void> writePlan(SubJobRecord[] planned, Map<SubJobKey, SubJobRecord> records, long now) {
        List<CompletableFuture<?>> writes = new ArrayList<>(3);
        boolean oneLocalLeaf = !persisted && planned.length == 1 && planned[0].leaf()
                && planned[0].assignee().equals(shared.localId());
        if (oneLocalLeaf) {
            // a root with one leaf here: its records would only repeat the job record (see LocalJob).
            // The leaf may start while the job record travels: all it writes is the job's result, to
            // the same partition and so queued behind the record on its partition thread, and the
            // submit call still returns only once the record is durable (JobLifecycle.acceptJob)
            job.unrecordedLeaves.add(planned[0].path());
            job.treeRecorded = false;
            return CompletableFuture.completedFuture(null);
        }
        if (persisted) {
            writes.add(shared.maps().subjobs.submitToKey(self.key(),
                    new Processors.SetChildren(self.attemptId(), planned.length)).toCompletableFuture());
        } else {
            records.put(self.key(), self.toBuilder().children(planned.length).state(SubJobState.RUNNING)
                    .updatedMillis(now).build());
        }
        if (!records.isEmpty()) {
            writes.add(shared.maps().subjobs.putAllAsync(records).toCompletableFuture());
        }
        writes.add(job.recorded);
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]));
    }

    private boolean allLocalLeaves(SubJobRecord[] planned) {
        for (SubJobRecord child : planned) {
            if (!child.leaf() || !child.assignee().equals(shared.localId())) {
                return false;
            }
        }
        return planned.length > 0;
    }

    /** See {@link #planWritten}. */
    CompletableFuture<Void> planWritten() {
        return planWritten;
    }

    /**
     * Takes over the children a previous attempt of this sub-job created: done ones give their
     * committed outcome, live ones are told to report here, those of members that left are
     * re-delegated. Null when they cannot all be found (then the sub-job is planned anew).
     */
    @SuppressWarnings("unchecked")
    private DriverState.Step adopt() {
        int n = self.children();
        List<SubJobKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(new SubJobKey(self.jobId(), self.path() + "." + i));
        }
        Map<SubJobKey, SubJobRecord> found = shared.maps().subjobs.getAll(Set.copyOf(keys));
        if (found.size() != n) {
            return null;
        }
        SubJobRecord[] adopted = new SubJobRecord[n];
        List<Piece>[] done = new List[n];
        List<SubJobRecord> toDispatch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SubJobRecord was = found.get(keys.get(i));
            SubJobRecord child = was;
            if (child.state() != SubJobState.DONE) {
                child = shared.placement().isLive(child.assignee())
                        ? shared.maps().subjobs.executeOnKey(child.key(), new Processors.Adopt(shared.localId()))
                        : reassign(child);
                if (child == null) {
                    return DriverState.Step.NOTHING; // the job failed
                }
            }
            if (child.state() == SubJobState.DONE && !child.commitVerifies(shared.key())) {
                child = forgedCommit(was, child);
                if (child == null) {
                    return null; // the next reconcile looks again
                }
                adopted[i] = child;
                toDispatch.add(child);
                continue;
            }
            adopted[i] = child;
            if (child.state() == SubJobState.DONE) {
                done[i] = new ArrayList<>(child.outcome());
            } else if (!shared.placement().isLive(child.assignee()) || !child.assignee().equals(was.assignee())
                    || child.state() == SubJobState.ASSIGNED) {
                // ASSIGNED: its member may never have had it. A driver cut off by a network split plans
                // children on members it can no longer reach; after the heal those members are live
                // and the record names them, but the delegation was lost. So it is sent again: a
                // member that holds it already ignores the copy (Tree.accept)
                toDispatch.add(child);
            }
        }
        DriverState.Step step = state.adopted(adopted, done);
        List<SubJobRecord> all = new ArrayList<>(toDispatch);
        all.addAll(step.toDispatch());
        return new DriverState.Step(all, step.failures(), step.ready());
    }

    /** A child (or a retry) committed. Outcomes of stale attempts are ignored. */
    void onChildDone(String path, AttemptId attempt, List<Piece> outcome) {
        apply(state.childDone(path, attempt, outcome));
    }

    /**
     * Looks at the current records of the children it has not heard from: picks up commits whose
     * message was lost, re-delegates children whose member left (or whose engine stopped), and
     * writes again, as a new attempt, a child whose record is gone. Called when a member leaves, and
     * every few seconds by the watchdog.
     */
    void reconcile() {
        List<SubJobRecord> waiting = state.waiting();
        if (waiting.isEmpty()) {
            return;
        }
        Set<SubJobKey> keys = new HashSet<>();
        for (SubJobRecord r : waiting) {
            keys.add(r.key());
        }
        Map<SubJobKey, SubJobRecord> now = shared.maps().subjobs.getAll(keys);
        for (SubJobRecord known : waiting) {
            SubJobRecord current = now.get(known.key());
            if (current == null) {
                current = recordLost(known);
                if (current == null) {
                    continue;
                }
            } else if (current.state() != SubJobState.DONE && !shared.placement().isLive(current.assignee())) {
                current = reassign(current);
                if (current == null) {
                    return; // the job failed
                }
            } else if (current.state() != SubJobState.DONE) {
                state.replace(known.path(), current);
                continue;
            }
            if (current.state() == SubJobState.DONE && !current.commitVerifies(shared.key())) {
                current = forgedCommit(known, current);
                if (current == null) {
                    continue;
                }
            }
            if (current.state() == SubJobState.DONE) {
                onChildDone(current.path(), current.attemptId(), current.outcome());
            } else if (state.replace(known.path(), current)) {
                tree.dispatch(current);
            }
        }
    }

    /**
     * A child's record says DONE, but its commit is not sealed with the cluster's key: whoever lacks
     * the key wrote it, to slip a partial of its choosing into the result (and so also made the true
     * commit be refused). Its outcome is never counted; the child runs again as a new attempt, whose
     * record replaces the forged one. Null when the record changed meanwhile (the next reconcile
     * looks again).
     */
    private SubJobRecord forgedCommit(SubJobRecord known, SubJobRecord forged) {
        Refusals.warn(shared.hz(), "the commit of sub-job " + known.jobId() + "/" + known.path() + " found in "
                + "canopy.subjobs", forged.assignee(), "not sealed with this cluster's key; the sub-job runs again");
        UUID target = shared.placement().pickMember(known.group(), self.group(), known.triedOn());
        int attempt = Math.max(known.attempt(), forged.attempt());
        SubJobRecord again = known.toBuilder().attempt(attempt).build()
                .reassigned(target, shared.localId(), true, shared.clock().getAsLong());
        return shared.maps().subjobs.replace(again.key(), forged, again) ? again : null;
    }

    /**
     * A child's record is gone: it was written to the job's partition just before that
     * partition's owner died, and its backup never arrived. Its member's commit is refused for
     * want of a record, so the driver writes it again as a new attempt (the old one's late commits
     * are refused as stale) and has it run again. Null while this driver's own plan may still be
     * on its way, or when it cannot be written now (the next reconcile tries again); and for the one
     * leaf of a one-leaf job, which never had a record: it runs on this member and reports straight
     * here, so it is lost only with this driver, whose successor plans the root again.
     */
    private SubJobRecord recordLost(SubJobRecord known) {
        if (!planWritten.isDone() || job.unrecordedLeaves.contains(known.path())) {
            return null;
        }
        UUID target = shared.placement().pickMember(known.group(), self.group(), known.triedOn());
        SubJobRecord again = known.reassigned(target, shared.localId(), true, shared.clock().getAsLong());
        SubJobRecord raced = shared.maps().subjobs.putIfAbsent(again.key(), again);
        if (raced != null) {
            return raced;
        }
        LOG.info("Job {}: the record of {} {} was lost with a member; it runs again on {} (attempt {})",
                self.jobId(), known.leaf() ? "leaf" : "sub-job", known.path(), target, again.attemptId());
        shared.metrics().recovered();
        return again;
    }

    /**
     * Re-delegates a child whose member left. A leaf that was running then has used an attempt of
     * its tasks (it may be what killed the member); when that was their last, the job fails naming
     * the task, and this returns null.
     */
    private SubJobRecord reassign(SubJobRecord child) {
        if (child.ranWhenMemberLeft() && child.taskAttempts() >= job.spec.settings().maxAttempts()) {
            state.abandon();
            shared.verdicts().memberLeftWhileRunning(job, child);
            return null;
        }
        UUID target = shared.placement().pickMember(child.group(), self.group(), child.triedOn());
        SubJobRecord moved = shared.maps().subjobs.executeOnKey(child.key(),
                new Processors.Reassign(child.attemptId(), target, shared.localId()));
        if (moved != null && moved.attempt() > child.attempt() && moved.assignee().equals(target)) {
            shared.metrics().recovered();
            LOG.info("Job {}: re-delegated {} {} ({} tasks) from member {}, which left{}, to {} (attempt {})",
                    self.jobId(), child.leaf() ? "leaf" : "sub-job", child.path(), child.slice().size(),
                    child.assignee(), child.ranWhenMemberLeft() ? " while running it (attempt "
                            + moved.taskAttempts() + " of its tasks)" : "", target, moved.attemptId());
        }
        return moved != null ? moved : child;
    }

    /** Counts failures, writes and sends what a step asks for, and finishes when it is ready. */
    private void apply(DriverState.Step step) {
        if (!step.failures().isEmpty()) {
            shared.verdicts().recordFailures(job, step.failures());
        }
        // retries are new: their records are written before they are sent (adopted children have
        // theirs). Written only if absent: a reconcile that ran between the state's taking the retry
        // and this write took its record for lost and wrote (and sent) a newer attempt, which an
        // overwrite would turn stale, so that neither run's report would count
        for (SubJobRecord r : step.toDispatch()) {
            if (r.retry()) {
                job.treeRecorded = true;
                if (shared.maps().subjobs.putIfAbsent(r.key(), r) != null) {
                    continue;
                }
            }
            tree.dispatch(r);
        }
        if (step.ready()) {
            finish();
        }
    }

    private void finish() {
        List<Piece> outcome;
        try {
            outcome = state.combine(job.spec.reducer(), job::fromGrid);
        } catch (DriverState.ReducerFailed e) {
            shared.verdicts().reducerFailed(job, e.getCause());
            return;
        } catch (Codec.Refused e) {
            shared.verdicts().jobFailed(job.jobId, job.spec.name(), "a partial result sent to the driver of sub-job "
                    + self.path() + " could not be decoded: " + e.getMessage(), null);
            return;
        } catch (RuntimeException e) {
            shared.verdicts().jobFailed(job.jobId, job.spec.name(), "the driver of sub-job " + self.path()
                    + " could not combine its children", e);
            return;
        }
        if (!self.isRoot()) {
            // the root's value goes to the result as it is (Verdicts wraps it); a sub-driver's travels
            outcome.set(0, new Piece.Partial(job.toGrid(((Piece.Partial) outcome.get(0)).value())));
        }
        shared.commits().driver(job, this, outcome);
    }

    /** Stops reacting: another attempt of the same sub-job took over on this member. */
    void abandon() {
        state.abandon();
    }

    boolean isFinished() {
        return state.isFinished();
    }
}
