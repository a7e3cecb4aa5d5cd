package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.placement.Splitter;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import dev.canopy.grid.Reducer;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.store.Pieces.Failed;
import dev.canopy.grid.internal.store.Pieces.Hole;
import dev.canopy.grid.internal.store.Pieces.Partial;
import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import dev.canopy.grid.internal.spec.Slice.KeySlice;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
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
 * committed, combines their partials in task order and commits its own outcome.
 *
 * <p>Threads: started on a driver-pool thread; child outcomes arrive on control or driver-pool
 * threads. State is guarded by {@code this}; grid calls are made outside the lock.
 */
public final class DriverRun {

    private static final Logger LOG = LoggerFactory.getLogger(DriverRun.class);

    private final Engine engine;
    private final LocalJob job;
    private final SubJobRecord self;

    private SubJobRecord[] children = new SubJobRecord[0];
    private List<Object>[] outcomes;
    private int pending;
    private final Map<String, Slot> retries = new HashMap<>();
    private int retrySeq;
    private boolean finished;

    /** Where a retry's outcome goes: position {@code index} of {@code list}, which holds the hole now. */
    private record Slot(List<Object> list, int index, SubJobRecord record) {
    }

    private final boolean persisted;
    /**
     * Completes when this driver's plan is durable. Leaves it placed here start before that (see
     * {@link #plan}); their commits wait for it, as their records are part of it.
     */
    private volatile CompletableFuture<Void> planWritten = CompletableFuture.completedFuture(null);

    /** @param persisted false for a new root, whose record the first plan writes together with its children */
    DriverRun(Engine engine, LocalJob job, SubJobRecord self, boolean persisted) {
        this.engine = engine;
        this.job = job;
        this.self = self;
        this.persisted = persisted;
    }

    SubJobRecord record() {
        return self;
    }

    public boolean isRoot() {
        return self.parentPath() == null;
    }

    /** Splits or adopts, then delegates. */
    void start() {
        List<SubJobRecord> toDispatch = new ArrayList<>();
        List<Failed> failures = new ArrayList<>();
        boolean ready;
        if (self.children() > 0 && adopt(toDispatch, failures)) {
            synchronized (this) {
                ready = pending == 0 && retries.isEmpty() && !finished;
                finished |= ready;
            }
        } else {
            ready = plan(toDispatch);
        }
        afterChange(toDispatch, failures, ready);
    }

    /** True when there was nothing to split, so the run is finished already. */
    @SuppressWarnings("unchecked")
    private boolean plan(List<SubJobRecord> toDispatch) {
        Splitter splitter = engine.placement().splitter(job.spec, self.leafSize());
        List<Splitter.Child> plan = splitter.split(self.slice(), engine.placement().liveGroup(self.group()));
        long now = System.currentTimeMillis();
        int firstAttempt = (self.attempt() - 1) * 1000 + 1;
        Map<SubJobKey, SubJobRecord> records = new LinkedHashMap<>();
        SubJobRecord[] planned = new SubJobRecord[plan.size()];
        for (int i = 0; i < plan.size(); i++) {
            Splitter.Child c = plan.get(i);
            planned[i] = new SubJobRecord(self.jobId(), self.path() + "." + i, self.path(), c.leaf(), c.slice(),
                    c.group(), c.assignee(), engine.localId(), firstAttempt, SubJobState.ASSIGNED, self.leafSize(),
                    1, null, 0, 0, null, now, 0);
            records.put(planned[i].key(), planned[i]);
        }
        // in parallel, and the children in one call (they share the job's partition: one operation and
        // one backup). A driver that dies midway is re-planned by its successor, whose children start
        // at a higher attempt, so a half-written plan is never mixed with the new one
        List<CompletableFuture<?>> writes = new ArrayList<>(3);
        boolean oneLocalLeaf = !persisted && planned.length == 1 && planned[0].leaf()
                && planned[0].assignee().equals(engine.localId());
        if (oneLocalLeaf) {
            // a root with one leaf here: its records would only repeat the job record (see LocalJob)
            job.unrecordedLeaves.add(planned[0].path());
            job.treeRecorded = false;
            records.clear();
        } else if (persisted) {
            writes.add(engine.maps().subjobs.submitToKey(self.key(),
                    new Processors.SetChildren(self.attempt(), planned.length)).toCompletableFuture());
        } else {
            records.put(self.key(), self.withChildren(planned.length, now).withState(SubJobState.RUNNING, now));
        }
        if (!records.isEmpty()) {
            writes.add(engine.maps().subjobs.putAllAsync(records).toCompletableFuture());
        }
        if (!oneLocalLeaf) {
            writes.add(job.recorded);
        }
        // else the leaf may start while the job record travels: all it writes is the job's result,
        // to the same partition and so queued behind the record on its partition thread, and the
        // submit call still returns only once the record is durable (JobLifecycle.acceptJob)
        CompletableFuture<Void> written = CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]));
        if (persisted && allLocalLeaves(planned)) {
            // a sub-driver whose children all run here starts them while its plan travels: a member
            // busy with other leaves can take milliseconds to make it durable, and were this member
            // to die meanwhile its leaves would die with it. Nothing leaves the member before the
            // plan is durable: commits wait for it (Engine.commitLeaf), steals skip these leaves
            planWritten = written.whenComplete((ignored, error) -> {
                if (error != null) {
                    LOG.warn("Job {}: the plan of {} could not be written (the job's records are unreachable;"
                            + " its timeout, if any, ends it)", self.jobId(), self.path(), error);
                }
            });
        } else {
            written.join();
        }
        engine.metrics().delegated(planned.length);
        synchronized (this) {
            children = planned;
            outcomes = new List[planned.length];
            pending = planned.length;
            if (pending == 0) {
                finished = true;
                return true;
            }
        }
        toDispatch.addAll(List.of(planned));
        return false;
    }

    private boolean allLocalLeaves(SubJobRecord[] planned) {
        for (SubJobRecord child : planned) {
            if (!child.leaf() || !child.assignee().equals(engine.localId())) {
                return false;
            }
        }
        return planned.length > 0;
    }

    /** See {@link #planWritten}. */
    CompletableFuture<Void> planWritten() {
        return planWritten;
    }

    /** Takes over the children a previous attempt of this sub-job created. False when they cannot be found. */
    @SuppressWarnings("unchecked")
    private boolean adopt(List<SubJobRecord> toDispatch, List<Failed> failures) {
        int n = self.children();
        List<SubJobKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(new SubJobKey(self.jobId(), self.path() + "." + i));
        }
        Map<SubJobKey, SubJobRecord> found = engine.maps().subjobs.getAll(Set.copyOf(keys));
        if (found.size() != n) {
            return false;
        }
        SubJobRecord[] adopted = new SubJobRecord[n];
        List<Object>[] done = new List[n];
        int waiting = 0;
        for (int i = 0; i < n; i++) {
            SubJobRecord child = found.get(keys.get(i));
            if (child.state() != SubJobState.DONE) {
                child = engine.placement().isLive(child.assignee())
                        ? engine.maps().subjobs.executeOnKey(child.key(), new Processors.Adopt(engine.localId()))
                        : reassign(child);
            }
            adopted[i] = child;
            if (child.state() == SubJobState.DONE) {
                done[i] = new ArrayList<>(child.outcome());
            } else {
                waiting++;
                if (!engine.placement().isLive(child.assignee())
                        || !child.assignee().equals(found.get(keys.get(i)).assignee())) {
                    toDispatch.add(child);
                }
            }
        }
        synchronized (this) {
            children = adopted;
            outcomes = done;
            pending = waiting;
            for (List<Object> outcome : done) {
                if (outcome != null) {
                    resolveHoles(outcome, toDispatch, failures);
                }
            }
        }
        return true;
    }

    /** A child (or a retry) committed. Outcomes of stale attempts are ignored. */
    void onChildDone(String path, int attempt, List<Object> outcome) {
        List<SubJobRecord> toDispatch = new ArrayList<>();
        List<Failed> failures = new ArrayList<>();
        boolean ready;
        synchronized (this) {
            if (finished || outcomes == null) {
                return;
            }
            Slot slot = retries.get(path);
            if (slot != null) {
                if (attempt < slot.record.attempt()) {
                    return;
                }
                retries.remove(path);
                List<Object> nested = new ArrayList<>(outcome);
                slot.list.set(slot.index, nested);
                resolveHoles(nested, toDispatch, failures);
            } else {
                int i = childIndex(path);
                if (i < 0 || attempt < children[i].attempt() || outcomes[i] != null) {
                    return;
                }
                outcomes[i] = new ArrayList<>(outcome);
                pending--;
                resolveHoles(outcomes[i], toDispatch, failures);
            }
            ready = pending == 0 && retries.isEmpty();
            finished = ready;
        }
        afterChange(toDispatch, failures, ready);
    }

    /**
     * Looks at the current records of the children it has not heard from: picks up commits whose
     * message was lost, and re-delegates children whose member left (or whose engine stopped).
     * Called when a member leaves, and every few seconds by the watchdog.
     */
    void reconcile() {
        List<SubJobRecord> waiting = new ArrayList<>();
        synchronized (this) {
            if (finished || outcomes == null) {
                return;
            }
            for (int i = 0; i < children.length; i++) {
                if (outcomes[i] == null) {
                    waiting.add(children[i]);
                }
            }
            for (Slot slot : retries.values()) {
                waiting.add(slot.record);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        Set<SubJobKey> keys = new java.util.HashSet<>();
        for (SubJobRecord r : waiting) {
            keys.add(r.key());
        }
        Map<SubJobKey, SubJobRecord> now = engine.maps().subjobs.getAll(keys);
        for (SubJobRecord known : waiting) {
            SubJobRecord current = now.getOrDefault(known.key(), known);
            if (current.state() == SubJobState.DONE) {
                onChildDone(current.path(), current.attempt(), current.outcome());
            } else if (!engine.placement().isLive(current.assignee())) {
                SubJobRecord moved = reassign(current);
                if (moved.state() == SubJobState.DONE) {
                    onChildDone(moved.path(), moved.attempt(), moved.outcome());
                } else if (replace(known.path(), moved)) {
                    engine.dispatch(moved);
                }
            } else {
                replace(known.path(), current);
            }
        }
    }

    /** Remembers a newer attempt of a child or retry; false when the driver no longer waits for it. */
    private synchronized boolean replace(String path, SubJobRecord newer) {
        if (finished) {
            return false;
        }
        Slot slot = retries.get(path);
        if (slot != null) {
            if (newer.attempt() >= slot.record.attempt()) {
                retries.put(path, new Slot(slot.list, slot.index, newer));
            }
            return true;
        }
        int i = childIndex(path);
        if (i < 0 || outcomes[i] != null) {
            return false;
        }
        if (newer.attempt() >= children[i].attempt()) {
            children[i] = newer;
        }
        return true;
    }

    private SubJobRecord reassign(SubJobRecord child) {
        UUID target = engine.placement().pickMember(child.group(), self.group(), child.triedOn());
        SubJobRecord moved = engine.maps().subjobs.executeOnKey(child.key(),
                new Processors.Reassign(child.attempt(), target, engine.localId()));
        if (moved != null && moved.attempt() > child.attempt() && moved.assignee().equals(target)) {
            engine.metrics().recovered();
            LOG.info("Job {}: re-delegated {} {} ({} tasks) from member {}, which left, to {} (attempt {})",
                    self.jobId(), child.leaf() ? "leaf" : "sub-job", child.path(), child.slice().size(),
                    child.assignee(), target, moved.attempt());
        }
        return moved != null ? moved : child;
    }

    /** Fills the holes of one outcome list: a retry elsewhere, or a failure for good. Called under the lock. */
    private void resolveHoles(List<Object> outcome, List<SubJobRecord> toDispatch, List<Failed> failures) {
        for (int j = 0; j < outcome.size(); j++) {
            if (!(outcome.get(j) instanceof Hole hole)) {
                continue;
            }
            if (hole.attempts() >= job.spec.maxAttempts()) {
                Failed failed = new Failed(new TaskFailure(hole.label(), hole.attempts(), Errors.describe(hole.error())),
                        hole.error());
                outcome.set(j, failed);
                failures.add(failed);
                continue;
            }
            UUID target = engine.placement().pickMember(List.of(), self.group(), hole.triedOn());
            SubJobRecord retry = new SubJobRecord(self.jobId(), self.path() + ".r" + self.attempt() + "-" + (retrySeq++),
                    self.path(), true, singleTask(hole.task()), List.of(target), target, engine.localId(), 1,
                    SubJobState.ASSIGNED, self.leafSize(), hole.attempts() + 1, Set.copyOf(hole.triedOn()), 0, 0,
                    null, System.currentTimeMillis(), 0);
            retries.put(retry.path(), new Slot(outcome, j, retry));
            toDispatch.add(retry);
        }
    }

    private Slice singleTask(Object task) {
        JobSpec.Kind kind = job.spec.kind();
        if (kind == JobSpec.Kind.RANGE || kind == JobSpec.Kind.LIST) {
            long index = (Long) task;
            return new IndexSlice(index, index + 1);
        }
        return new KeySlice(List.of(task));
    }

    private void afterChange(List<SubJobRecord> toDispatch, List<Failed> failures, boolean ready) {
        if (!failures.isEmpty()) {
            engine.lifecycle().recordFailures(job, failures);
        }
        List<SubJobRecord> retriesToWrite = new ArrayList<>();
        for (SubJobRecord r : toDispatch) {
            if (r.path().contains(".r")) {
                retriesToWrite.add(r);
            }
        }
        if (!retriesToWrite.isEmpty()) {
            Map<SubJobKey, SubJobRecord> batch = new HashMap<>();
            for (SubJobRecord r : retriesToWrite) {
                batch.put(r.key(), r);
            }
            job.treeRecorded = true;
            engine.maps().subjobs.putAll(batch);
        }
        for (SubJobRecord r : toDispatch) {
            engine.dispatch(r);
        }
        if (ready) {
            finish();
        }
    }

    private void finish() {
        Reducer<Object, Object> reducer = job.spec.reducer();
        List<Object> failed = new ArrayList<>();
        Object acc;
        try {
            acc = reducer.identity();
            for (List<Object> outcome : outcomes) {
                acc = fold(reducer, acc, outcome, failed);
            }
        } catch (RuntimeException e) {
            engine.lifecycle().failOnReducer(job.jobId, e);
            return;
        }
        List<Object> outcome = new ArrayList<>(1 + failed.size());
        outcome.add(new Partial(acc));
        outcome.addAll(failed);
        engine.commitDriver(job, this, outcome);
    }

    @SuppressWarnings("unchecked")
    private static Object fold(Reducer<Object, Object> reducer, Object acc, List<Object> pieces, List<Object> failed) {
        for (Object piece : pieces) {
            if (piece instanceof Partial p) {
                acc = reducer.combine(acc, p.value());
            } else if (piece instanceof Failed f) {
                failed.add(f);
            } else if (piece instanceof List<?> nested) {
                acc = fold(reducer, acc, (List<Object>) nested, failed);
            } else {
                throw new IllegalStateException("unexpected piece in a finished outcome: " + piece);
            }
        }
        return acc;
    }

    private int childIndex(String path) {
        String prefix = self.path() + ".";
        if (!path.startsWith(prefix)) {
            return -1;
        }
        try {
            int i = Integer.parseInt(path.substring(prefix.length()));
            return i < children.length ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Stops reacting: another attempt of the same sub-job took over on this member. */
    synchronized void abandon() {
        finished = true;
    }

    synchronized boolean isFinished() {
        return finished;
    }
}
