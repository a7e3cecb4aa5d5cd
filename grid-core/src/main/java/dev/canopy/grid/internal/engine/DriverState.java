package dev.canopy.grid.internal.engine;

import dev.canopy.grid.Reducer;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSource;
import dev.canopy.grid.internal.store.AttemptId;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.SubJobRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * What one driver knows of its children, and the rules it applies to what it hears: which report
 * counts (the first of a child's current attempt; a stale attempt's is ignored), how a hole in an
 * outcome is filled (a one-task retry leaf elsewhere, until the task's attempts are used up, then a
 * failure for good), and when the driver is done. It reads and writes no grid and sends nothing:
 * each change returns a {@link Step} saying what the caller ({@link DriverRun}) must write and send.
 *
 * <p>Threads: any; every method is synchronized, and none blocks or calls out but to the retry
 * placer and the clock it was given.
 */
final class DriverState {

    /** What a change asks of the driver: retries and re-delegations to send, failures to count, whether it is done. */
    record Step(List<SubJobRecord> toDispatch, List<Piece.Failed> failures, boolean ready) {
        static final Step NOTHING = new Step(List.of(), List.of(), false);
    }

    /** Where a retry's outcome goes: position {@code index} of {@code outcome}, which holds the hole now. */
    private record Slot(List<Piece> outcome, int index, SubJobRecord record) {
    }

    private final SubJobRecord self;
    private final JobSource<?> source;
    private final int maxAttempts;
    /** Picks the member for a retry, given the members the task failed on. */
    private final Function<Set<UUID>, UUID> retryPlacer;
    private final UUID localId;
    private final LongSupplier clock;

    private SubJobRecord[] children = new SubJobRecord[0];
    private List<Piece>[] outcomes;
    private int pending;
    private final Map<String, Slot> retries = new HashMap<>();
    private int retrySeq;
    private boolean finished;

    DriverState(SubJobRecord self, JobSource<?> source, int maxAttempts, Function<Set<UUID>, UUID> retryPlacer,
                UUID localId, LongSupplier clock) {
        this.self = self;
        this.source = source;
        this.maxAttempts = maxAttempts;
        this.retryPlacer = retryPlacer;
        this.localId = localId;
        this.clock = clock;
    }

    /** The children of a new plan, none heard from; ready at once when there are none. */
    @SuppressWarnings("unchecked")
    synchronized Step planned(SubJobRecord[] planned) {
        children = planned.clone();
        outcomes = new List[planned.length];
        pending = planned.length;
        finished = pending == 0;
        return new Step(List.of(), List.of(), finished);
    }

    /**
     * The children a previous attempt of this sub-job created, as their records are now:
     * {@code done[i]} is the committed outcome of child i, or null while it runs.
     */
    synchronized Step adopted(SubJobRecord[] adopted, List<Piece>[] done) {
        children = adopted.clone();
        outcomes = done.clone();
        pending = 0;
        List<SubJobRecord> toDispatch = new ArrayList<>();
        List<Piece.Failed> failures = new ArrayList<>();
        for (List<Piece> outcome : outcomes) {
            if (outcome == null) {
                pending++;
            } else {
                resolveHoles(outcome, toDispatch, failures);
            }
        }
        return finishIfReady(toDispatch, failures);
    }

    /** A child or a retry committed {@code outcome} with {@code attempt}. Reports of stale attempts change nothing. */
    synchronized Step childDone(String path, AttemptId attempt, List<Piece> outcome) {
        if (finished || outcomes == null) {
            return Step.NOTHING;
        }
        List<SubJobRecord> toDispatch = new ArrayList<>();
        List<Piece.Failed> failures = new ArrayList<>();
        Slot slot = retries.get(path);
        if (slot != null) {
            if (attempt.isStaleAgainst(slot.record.attemptId())) {
                return Step.NOTHING;
            }
            retries.remove(path);
            List<Piece> filled = new ArrayList<>(outcome);
            slot.outcome.set(slot.index, new Piece.Retried(filled));
            resolveHoles(filled, toDispatch, failures);
        } else {
            int i = childIndex(path);
            if (i < 0 || outcomes[i] != null || attempt.isStaleAgainst(children[i].attemptId())) {
                return Step.NOTHING;
            }
            outcomes[i] = new ArrayList<>(outcome);
            pending--;
            resolveHoles(outcomes[i], toDispatch, failures);
        }
        return finishIfReady(toDispatch, failures);
    }

    private Step finishIfReady(List<SubJobRecord> toDispatch, List<Piece.Failed> failures) {
        boolean ready = !finished && pending == 0 && retries.isEmpty();
        finished |= ready;
        return new Step(toDispatch, failures, ready);
    }

    /** The children and retries not heard from yet, as last known. */
    synchronized List<SubJobRecord> waiting() {
        List<SubJobRecord> waiting = new ArrayList<>();
        if (finished || outcomes == null) {
            return waiting;
        }
        for (int i = 0; i < children.length; i++) {
            if (outcomes[i] == null) {
                waiting.add(children[i]);
            }
        }
        for (Slot slot : retries.values()) {
            waiting.add(slot.record);
        }
        return waiting;
    }

    /** Remembers a newer attempt of a child or retry; false when the driver no longer waits for it. */
    synchronized boolean replace(String path, SubJobRecord newer) {
        if (finished) {
            return false;
        }
        Slot slot = retries.get(path);
        if (slot != null) {
            if (!newer.attemptId().isStaleAgainst(slot.record.attemptId())) {
                retries.put(path, new Slot(slot.outcome, slot.index, newer));
            }
            return true;
        }
        int i = childIndex(path);
        if (i < 0 || outcomes[i] != null) {
            return false;
        }
        if (!newer.attemptId().isStaleAgainst(children[i].attemptId())) {
            children[i] = newer;
        }
        return true;
    }

    /**
     * The driver's own outcome once it is ready (a {@link Step} said so; called once, as reducers may
     * combine into the partials they are given): its children's partials combined in task order
     * (retries spliced in where their holes were), then the tasks that failed for good.
     *
     * @param fromGrid reads a partial as the job's code sees it (see {@code LocalJob.fromGrid})
     * @throws ReducerFailed when the reducer throws
     */
    synchronized List<Piece> combine(Reducer<Object, Object> reducer, UnaryOperator<Object> fromGrid) {
        List<Piece> failed = new ArrayList<>();
        Object acc;
        try {
            acc = reducer.identity();
        } catch (RuntimeException | Error e) {
            throw new ReducerFailed(e);
        }
        for (List<Piece> outcome : outcomes) {
            acc = fold(reducer, fromGrid, acc, outcome, failed);
        }
        List<Piece> combined = new ArrayList<>(1 + failed.size());
        combined.add(new Piece.Partial(acc));
        combined.addAll(failed);
        return combined;
    }

    private static Object fold(Reducer<Object, Object> reducer, UnaryOperator<Object> fromGrid, Object acc,
                               List<Piece> pieces, List<Piece> failed) {
        for (Piece piece : pieces) {
            if (piece instanceof Piece.Partial p) {
                Object value = fromGrid.apply(p.value());
                try {
                    acc = reducer.combine(acc, value);
                } catch (RuntimeException | Error e) {
                    throw new ReducerFailed(e);
                }
            } else if (piece instanceof Piece.Failed f) {
                failed.add(f);
            } else if (piece instanceof Piece.Retried r) {
                acc = fold(reducer, fromGrid, acc, r.outcome(), failed);
            } else {
                throw new IllegalStateException("a hole left in a finished outcome: " + piece);
            }
        }
        return acc;
    }

    /** The job's reducer threw while a driver combined: the job fails naming the reducer. */
    static final class ReducerFailed extends RuntimeException {
        ReducerFailed(Throwable cause) {
            super(cause);
        }
    }

    /** Stops reacting: another attempt of the same sub-job took over on this member. */
    synchronized void abandon() {
        finished = true;
    }

    synchronized boolean isFinished() {
        return finished;
    }

    /** Fills the holes of one outcome: a retry elsewhere, or a failure for good. */
    private void resolveHoles(List<Piece> outcome, List<SubJobRecord> toDispatch, List<Piece.Failed> failures) {
        for (int j = 0; j < outcome.size(); j++) {
            if (!(outcome.get(j) instanceof Piece.Hole hole)) {
                continue;
            }
            if (hole.attempts() >= maxAttempts) {
                Piece.Failed failed = new Piece.Failed(
                        new TaskFailure(hole.label(), hole.attempts(), Errors.describe(hole.error())), hole.error());
                outcome.set(j, failed);
                failures.add(failed);
                continue;
            }
            UUID target = retryPlacer.apply(hole.triedOn());
            SubJobRecord retry = SubJobRecord.builder(self.jobId(), self.path() + ".r" + self.attempt() + "-" + retrySeq++)
                    .parentPath(self.path()).leaf(true).retry(true).slice(source.sliceOf(hole.task()))
                    .group(List.of(target)).assignee(target).reportTo(localId).plan(self.attempt())
                    .leafSize(self.leafSize()).taskAttempts(hole.attempts() + 1).triedOn(Set.copyOf(hole.triedOn()))
                    .updatedMillis(clock.getAsLong()).build();
            retries.put(retry.path(), new Slot(outcome, j, retry));
            toDispatch.add(retry);
        }
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
}
