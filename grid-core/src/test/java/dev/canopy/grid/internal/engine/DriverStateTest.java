package dev.canopy.grid.internal.engine;

import dev.canopy.grid.Reducer;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.spec.JobSource;
import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import dev.canopy.grid.internal.store.AttemptId;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of a driver without a cluster: which reports count, how holes become retries or
 * failures, adoption, and the combined result in task order. The clock and the retry placer are
 * the test's.
 */
class DriverStateTest {

    private static final String JOB = "job-1";
    private static final int MAX_ATTEMPTS = 3;
    private static final UUID DRIVER = new UUID(0, 1);
    private static final UUID MEMBER_B = new UUID(0, 2);
    private static final UUID MEMBER_C = new UUID(0, 3);
    private static final UUID RETRY_TARGET = new UUID(0, 4);

    /** The root of a job over tasks [0, 30), on its second attempt, driven here. */
    private static final SubJobRecord SELF = SubJobRecord.builder(JOB, "0").leaf(false)
            .slice(new IndexSlice(0, 30)).group(List.of(DRIVER, MEMBER_B, MEMBER_C)).assignee(DRIVER)
            .attempt(2).state(SubJobState.RUNNING).leafSize(10).children(3).build();
    private static final JobSource<Long> SOURCE = new JobSource.IndexRange<>(0, 30, (index, ctx) -> index);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<Set<UUID>> placerCalls = new ArrayList<>();
    private DriverState state;

    @BeforeEach
    void newState() {
        state = new DriverState(SELF, SOURCE, MAX_ATTEMPTS, triedOn -> {
            placerCalls.add(triedOn);
            return RETRY_TARGET;
        }, DRIVER, clock::get);
    }

    @Test
    void whenChildrenReportInOrder_thenResultIsTheirPartialsInTaskOrder() {
        // given
        SubJobRecord[] children = plannedChildren();
        assertEquals(new DriverState.Step(List.of(), List.of(), false), state.planned(children));

        // when
        DriverState.Step first = report(children[0], partial(0L, 1L));
        DriverState.Step second = report(children[1], partial(10L, 11L));
        DriverState.Step third = report(children[2], partial(20L));

        // then
        assertEquals(new DriverState.Step(List.of(), List.of(), false), first);
        assertEquals(new DriverState.Step(List.of(), List.of(), false), second);
        assertEquals(new DriverState.Step(List.of(), List.of(), true), third);
        assertTrue(state.isFinished());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 1L, 10L, 11L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenChildrenReportOutOfOrder_thenResultIsStillInTaskOrder() {
        // given
        SubJobRecord[] children = planChildren();

        // when
        DriverState.Step last = report(children[2], partial(20L));
        DriverState.Step middle = report(children[0], partial(0L, 1L));
        DriverState.Step first = report(children[1], partial(10L, 11L));

        // then: ready with the third report, whichever child it came from
        assertFalse(last.ready());
        assertFalse(middle.ready());
        assertTrue(first.ready());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 1L, 10L, 11L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenReducerSums_thenResultIsTheSumOfEveryPartial() {
        // given
        SubJobRecord[] children = planChildren();

        // when
        report(children[1], new Piece.Partial(7L), new Piece.Partial(8L));
        report(children[0], new Piece.Partial(5L));
        report(children[2], new Piece.Partial(100L));

        // then
        assertEquals(List.of(new Piece.Partial(120L)), state.combine(reducer(Reducers.sumLong()), v -> v));
    }

    @Test
    void whenPlanHasNoChildren_thenReadyAtOnceWithTheIdentity() {
        // when
        DriverState.Step step = state.planned(new SubJobRecord[0]);

        // then
        assertEquals(new DriverState.Step(List.of(), List.of(), true), step);
        assertTrue(state.isFinished());
        assertEquals(List.of(new Piece.Partial(List.of())), state.combine(toList(), v -> v));
    }

    @Test
    void whenReportIsOfAnOlderRun_thenItIsIgnored() {
        // given: child 1 was moved to another member (run 2)
        SubJobRecord[] children = planChildren();
        SubJobRecord moved = children[1].reassigned(MEMBER_C, DRIVER, true, 2_000);
        assertTrue(state.replace("0.1", moved));
        childrenZeroAndTwoReport(children);

        // when: the first run reports late
        DriverState.Step stale = report(children[1], partial(-1L));

        // then: ignored, and the driver still waits for run 2
        assertEquals(DriverState.Step.NOTHING, stale);
        assertFalse(state.isFinished());
        assertEquals(List.of(moved), state.waiting());

        // when: run 2 reports
        DriverState.Step current = report(moved, partial(10L));

        // then
        assertTrue(current.ready());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenReportIsOfALaterRunThanKnown_thenItCounts() {
        // given: child 0 was stolen (run 2) without the driver hearing of it
        SubJobRecord[] children = planChildren();

        // when
        DriverState.Step step = state.childDone("0.0", children[0].attemptId().next(), List.of(partial(0L)));

        // then
        assertFalse(step.ready());
        assertEquals(List.of(children[1], children[2]), state.waiting());
    }

    @Test
    void whenReportIsOfAnotherPlan_thenItIsIgnored() {
        // given: children planned by this driver's attempt 2
        SubJobRecord[] children = planChildren();

        // when: a child of the plan of attempt 1, at the same path, reports; and one of a later plan
        DriverState.Step older = state.childDone("0.0", new AttemptId(1, 1), List.of(partial(-1L)));
        DriverState.Step newer = state.childDone("0.0", new AttemptId(3, 1), List.of(partial(-2L)));

        // then
        assertEquals(DriverState.Step.NOTHING, older);
        assertEquals(DriverState.Step.NOTHING, newer);
        assertEquals(Arrays.asList(children), state.waiting());
    }

    @Test
    void whenReportIsDuplicated_thenOnlyTheFirstCounts() {
        // given
        SubJobRecord[] children = planChildren();
        report(children[0], partial(0L));

        // when: the same child reports again (a message and a reconcile both carried its commit)
        DriverState.Step again = report(children[0], partial(-1L));

        // then: nothing changes, and the driver still needs the other two
        assertEquals(DriverState.Step.NOTHING, again);
        assertFalse(report(children[1], partial(10L)).ready());
        assertTrue(report(children[2], partial(20L)).ready());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenReportIsOfNoChild_thenItIsIgnored() {
        // given
        SubJobRecord[] children = planChildren();

        // when: a child index out of range, a grandchild, another sub-job, an unknown retry
        List<DriverState.Step> steps = List.of(
                state.childDone("0.3", new AttemptId(2, 1), List.of(partial(30L))),
                state.childDone("0.1.0", new AttemptId(2, 1), List.of(partial(10L))),
                state.childDone("1", new AttemptId(2, 1), List.of(partial(1L))),
                state.childDone("0.r2-9", new AttemptId(2, 1), List.of(partial(9L))));

        // then
        assertEquals(List.of(DriverState.Step.NOTHING, DriverState.Step.NOTHING, DriverState.Step.NOTHING,
                DriverState.Step.NOTHING), steps);
        assertEquals(Arrays.asList(children), state.waiting());
    }

    @Test
    void whenOutcomeHasAHole_thenAOneTaskRetryLeafIsDispatchedElsewhere() {
        // given
        SubJobRecord[] children = planChildren();
        clock.set(5_000);

        // when: task 11 of child 1 threw on member B
        DriverState.Step step = report(children[1], partial(10L), hole(11L, 1, Set.of(MEMBER_B)), partial(12L));

        // then: a retry of task 11 alone, its second attempt, placed away from B, reporting here
        SubJobRecord expected = SubJobRecord.builder(JOB, "0.r2-0").parentPath("0").leaf(true).retry(true)
                .slice(new IndexSlice(11, 12)).group(List.of(RETRY_TARGET)).assignee(RETRY_TARGET)
                .reportTo(DRIVER).plan(2).attempt(1).state(SubJobState.ASSIGNED).leafSize(10).taskAttempts(2)
                .triedOn(Set.of(MEMBER_B)).updatedMillis(5_000).build();
        assertEquals(new DriverState.Step(List.of(expected), List.of(), false), step);
        assertEquals(List.of(Set.of(MEMBER_B)), placerCalls);
        assertEquals(Set.of(children[0], children[2], expected), Set.copyOf(state.waiting()));
    }

    @Test
    void whenRetrySucceeds_thenItsOutcomeIsSplicedInWhereTheHoleWas() {
        // given: task 11 of child 1 failed and is being retried
        SubJobRecord[] children = planChildren();
        report(children[0], partial(0L, 1L));
        SubJobRecord retry = retryOfChildOne(children, partial(10L), hole(11L, 1, Set.of(MEMBER_B)), partial(12L));
        DriverState.Step lastChild = report(children[2], partial(20L));

        // when
        DriverState.Step retried = report(retry, partial(11L));

        // then: not ready until the retry reported, then the result holds task 11 in its place
        assertFalse(lastChild.ready());
        assertEquals(new DriverState.Step(List.of(), List.of(), true), retried);
        assertEquals(List.of(new Piece.Partial(List.of(0L, 1L, 10L, 11L, 12L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenRetryReportsTwice_thenOnlyTheFirstCounts() {
        // given
        SubJobRecord[] children = planChildren();
        childrenZeroAndTwoReport(children);
        SubJobRecord retry = retryOfChildOne(children, hole(10L, 1, Set.of(MEMBER_B)));
        assertTrue(report(retry, partial(10L)).ready());

        // when
        DriverState.Step again = report(retry, partial(-1L));

        // then
        assertEquals(DriverState.Step.NOTHING, again);
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenRetryFailsAgain_thenTheNextRetryCarriesEveryMemberTried() {
        // given: task 11 failed on B, and its retry is placed on the target
        SubJobRecord[] children = planChildren();
        childrenZeroAndTwoReport(children);
        SubJobRecord first = retryOfChildOne(children, partial(10L), hole(11L, 1, Set.of(MEMBER_B)), partial(12L));
        clock.set(7_000);

        // when: the retry fails too, on the retry target
        DriverState.Step step = report(first, hole(11L, 2, Set.of(MEMBER_B, RETRY_TARGET)));

        // then: a third attempt, away from both
        SubJobRecord second = step.toDispatch().get(0);
        assertEquals(1, step.toDispatch().size());
        assertEquals("0.r2-1", second.path());
        assertEquals(3, second.taskAttempts());
        assertEquals(Set.of(MEMBER_B, RETRY_TARGET), second.triedOn());
        assertEquals(7_000, second.updatedMillis());
        assertEquals(List.of(Set.of(MEMBER_B), Set.of(MEMBER_B, RETRY_TARGET)), placerCalls);
        assertFalse(step.ready());

        // when: the third attempt succeeds
        DriverState.Step done = report(second, partial(11L));

        // then
        assertTrue(done.ready());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 11L, 12L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenHoleHasUsedEveryAttempt_thenTheTaskFailsForGood() {
        // given
        SubJobRecord[] children = planChildren();
        childrenZeroAndTwoReport(children);
        IllegalStateException error = new IllegalStateException("boom");

        // when: task 11 threw on its last allowed attempt
        DriverState.Step step = report(children[1], partial(10L),
                new Piece.Hole(11L, "index 11", MAX_ATTEMPTS, Set.of(MEMBER_B, MEMBER_C), error), partial(12L));

        // then: no retry; one failure, reported now, and the driver is ready
        Piece.Failed failed = new Piece.Failed(
                new TaskFailure("index 11", MAX_ATTEMPTS, "java.lang.IllegalStateException: boom"), error);
        assertEquals(new DriverState.Step(List.of(), List.of(failed), true), step);
        assertEquals(List.of(), placerCalls);
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 12L, 20L)), failed), state.combine(toList(), v -> v));
    }

    @Test
    void whenRetryFailsOnItsLastAttempt_thenTheFailureIsReportedAndTheResultOmitsTheTask() {
        // given: a retry on the second attempt of task 11
        SubJobRecord[] children = planChildren();
        childrenZeroAndTwoReport(children);
        SubJobRecord first = retryOfChildOne(children, partial(10L), hole(11L, 2, Set.of(MEMBER_B)), partial(12L));
        assertEquals(MAX_ATTEMPTS, first.taskAttempts());

        // when: the retry fails too
        IllegalArgumentException error = new IllegalArgumentException("bad input");
        DriverState.Step step = report(first,
                new Piece.Hole(11L, "index 11", MAX_ATTEMPTS, Set.of(MEMBER_B, RETRY_TARGET), error));

        // then
        Piece.Failed failed = new Piece.Failed(
                new TaskFailure("index 11", MAX_ATTEMPTS, "java.lang.IllegalArgumentException: bad input"), error);
        assertEquals(new DriverState.Step(List.of(), List.of(failed), true), step);
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 12L, 20L)), failed), state.combine(toList(), v -> v));
    }

    @Test
    void whenRetryIsMovedAndItsOldRunReports_thenTheOldReportIsIgnored() {
        // given: a retry whose member left, so it runs again elsewhere (run 2)
        SubJobRecord[] children = planChildren();
        childrenZeroAndTwoReport(children);
        SubJobRecord retry = retryOfChildOne(children, hole(10L, 1, Set.of(MEMBER_B)));
        SubJobRecord moved = retry.reassigned(MEMBER_C, DRIVER, true, 3_000);
        assertTrue(state.replace(retry.path(), moved));

        // when
        DriverState.Step stale = report(retry, partial(-1L));

        // then
        assertEquals(DriverState.Step.NOTHING, stale);
        assertEquals(List.of(moved), state.waiting());
        assertTrue(report(moved, partial(10L)).ready());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    @SuppressWarnings("unchecked")
    void whenAdoptingSomeDoneAndSomeRunning_thenItWaitsOnlyForTheRunning() {
        // given: a previous attempt's children: 0 done, 1 running (run 2 by now), 2 done
        SubJobRecord[] children = plannedChildren();
        children[1] = children[1].reassigned(MEMBER_C, DRIVER, true, 2_000);
        List<Piece>[] done = new List[] {new ArrayList<>(List.of(partial(0L, 1L))), null,
                new ArrayList<>(List.of(partial(20L)))};

        // when
        DriverState.Step step = state.adopted(children, done);

        // then
        assertEquals(new DriverState.Step(List.of(), List.of(), false), step);
        assertEquals(List.of(children[1]), state.waiting());

        // when: run 1 of the running child reports late, then run 2
        DriverState.Step stale = state.childDone("0.1", new AttemptId(2, 1), List.of(partial(-1L)));
        DriverState.Step current = report(children[1], partial(10L));

        // then
        assertEquals(DriverState.Step.NOTHING, stale);
        assertTrue(current.ready());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 1L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    @SuppressWarnings("unchecked")
    void whenAdoptedOutcomeHasAHole_thenItIsRetriedAtOnce() {
        // given: child 0 committed with a hole at task 3; child 1 committed; child 2 runs
        SubJobRecord[] children = plannedChildren();
        List<Piece>[] done = new List[] {new ArrayList<>(List.of(partial(2L), hole(3L, 1, Set.of(MEMBER_B)))),
                new ArrayList<>(List.of(partial(10L))), null};

        // when
        DriverState.Step step = state.adopted(children, done);

        // then
        assertEquals(1, step.toDispatch().size());
        SubJobRecord retry = step.toDispatch().get(0);
        assertEquals(new IndexSlice(3, 4), retry.slice());
        assertEquals(2, retry.taskAttempts());
        assertEquals(List.of(), step.failures());
        assertFalse(step.ready());
        assertEquals(Set.of(children[2], retry), Set.copyOf(state.waiting()));

        // when: the running child and the retry report
        assertFalse(report(children[2], partial(20L)).ready());
        assertTrue(report(retry, partial(3L)).ready());

        // then
        assertEquals(List.of(new Piece.Partial(List.of(2L, 3L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    @SuppressWarnings("unchecked")
    void whenAdoptingChildrenThatAreAllDone_thenReadyAtOnce() {
        // given
        SubJobRecord[] children = plannedChildren();
        List<Piece>[] done = new List[] {new ArrayList<>(List.of(partial(0L))),
                new ArrayList<>(List.of(partial(10L))), new ArrayList<>(List.of(partial(20L)))};

        // when
        DriverState.Step step = state.adopted(children, done);

        // then
        assertEquals(new DriverState.Step(List.of(), List.of(), true), step);
        assertEquals(List.of(), state.waiting());
        assertEquals(List.of(new Piece.Partial(List.of(0L, 10L, 20L))), state.combine(toList(), v -> v));
    }

    @Test
    void whenChildIsReplacedByANewerAttempt_thenWaitingShowsTheNewerOne() {
        // given
        SubJobRecord[] children = planChildren();
        report(children[0], partial(0L));
        SubJobRecord newer = children[2].reassigned(MEMBER_C, DRIVER, true, 2_000);

        // when
        boolean replaced = state.replace("0.2", newer);

        // then
        assertTrue(replaced);
        assertEquals(List.of(children[1], newer), state.waiting());
    }

    @Test
    void whenReplacedByAnOlderAttempt_thenTheNewerIsKept() {
        // given: the driver knows run 2 of child 1
        SubJobRecord[] children = planChildren();
        SubJobRecord newer = children[1].reassigned(MEMBER_C, DRIVER, true, 2_000);
        state.replace("0.1", newer);

        // when: a reconcile read run 1 before the move
        boolean replaced = state.replace("0.1", children[1]);

        // then: still waiting for it, as run 2
        assertTrue(replaced);
        assertEquals(List.of(children[0], newer, children[2]), state.waiting());
    }

    @Test
    void whenChildIsNotWaitedFor_thenReplaceRefuses() {
        // given
        SubJobRecord[] children = planChildren();
        report(children[0], partial(0L));

        // when / then: a child that reported, a path that is no child
        assertFalse(state.replace("0.0", children[0].reassigned(MEMBER_C, DRIVER, true, 2_000)));
        assertFalse(state.replace("0.7", children[1]));
        assertEquals(List.of(children[1], children[2]), state.waiting());
    }

    @Test
    void whenFinished_thenReplaceRefusesAndNothingIsWaitedFor() {
        // given
        SubJobRecord[] children = planChildren();
        report(children[0], partial(0L));
        report(children[1], partial(10L));
        report(children[2], partial(20L));

        // when / then
        assertFalse(state.replace("0.1", children[1].reassigned(MEMBER_C, DRIVER, true, 2_000)));
        assertEquals(List.of(), state.waiting());
        assertEquals(DriverState.Step.NOTHING, report(children[1], partial(-1L)));
    }

    @Test
    void whenAbandoned_thenItReactsToNothing() {
        // given
        SubJobRecord[] children = planChildren();
        report(children[0], partial(0L));

        // when
        state.abandon();

        // then
        assertTrue(state.isFinished());
        assertEquals(DriverState.Step.NOTHING, report(children[1], hole(10L, 1, Set.of(MEMBER_B))));
        assertEquals(DriverState.Step.NOTHING, report(children[2], partial(20L)));
        assertFalse(state.replace("0.1", children[1].reassigned(MEMBER_C, DRIVER, true, 2_000)));
        assertEquals(List.of(), state.waiting());
        assertEquals(List.of(), placerCalls);
    }

    @Test
    void whenNothingIsPlannedYet_thenReportsAreIgnored() {
        // when
        DriverState.Step step = state.childDone("0.0", new AttemptId(2, 1), List.of(partial(0L)));

        // then
        assertEquals(DriverState.Step.NOTHING, step);
        assertFalse(state.isFinished());
        assertEquals(List.of(), state.waiting());
    }

    @Test
    void whenCombinedWithAHoleStillOpen_thenItThrows() {
        // given: the only child reported a hole whose retry has not reported
        SubJobRecord only = SubJobRecord.builder(JOB, "0.0").parentPath("0").leaf(true)
                .slice(new IndexSlice(0, 30)).group(List.of(MEMBER_B)).assignee(MEMBER_B).reportTo(DRIVER)
                .plan(2).leafSize(10).build();
        state.planned(new SubJobRecord[] {only});
        DriverState.Step step = report(only, partial(0L), hole(1L, 1, Set.of(MEMBER_B)));
        assertFalse(step.ready());

        // when
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.combine(toList(), v -> v));

        // then
        assertTrue(e.getMessage().startsWith("a hole left in a finished outcome: Hole[task=1, label=index 1"),
                e.getMessage());
    }

    /** Plans {@link #plannedChildren()} and returns them. */
    private SubJobRecord[] planChildren() {
        SubJobRecord[] children = plannedChildren();
        state.planned(children);
        return children;
    }

    /** {@code child}, in the run the record is of, reports {@code pieces}. */
    private DriverState.Step report(SubJobRecord child, Piece... pieces) {
        return state.childDone(child.path(), child.attemptId(), List.of(pieces));
    }

    /** Children 0 and 2 report tasks 0 and 20, so only child 1 (tasks [10, 20)) is still awaited. */
    private void childrenZeroAndTwoReport(SubJobRecord[] children) {
        report(children[0], partial(0L));
        report(children[2], partial(20L));
    }

    /** Child 1 reports {@code pieces}, one of which is a hole; returns the retry dispatched for it. */
    private SubJobRecord retryOfChildOne(SubJobRecord[] children, Piece... pieces) {
        return report(children[1], pieces).toDispatch().get(0);
    }

    /** Three leaves of [0, 10), [10, 20), [20, 30), planned by the driver's attempt 2. */
    private static SubJobRecord[] plannedChildren() {
        UUID[] assignees = {DRIVER, MEMBER_B, MEMBER_C};
        SubJobRecord[] children = new SubJobRecord[3];
        for (int i = 0; i < 3; i++) {
            children[i] = SubJobRecord.builder(JOB, "0." + i).parentPath("0").leaf(true)
                    .slice(new IndexSlice(i * 10L, i * 10L + 10)).group(List.of(assignees[i]))
                    .assignee(assignees[i]).reportTo(DRIVER).plan(2).leafSize(10).updatedMillis(1_000).build();
        }
        return children;
    }

    /** A partial of toList(): mutable, as a deserialized one is (the reducer appends to its left side). */
    private static Piece.Partial partial(Long... values) {
        return new Piece.Partial(new ArrayList<>(List.of(values)));
    }

    private static Piece.Hole hole(long task, int attempts, Set<UUID> triedOn) {
        return new Piece.Hole(task, "index " + task, attempts, triedOn, new IllegalStateException("task " + task));
    }

    private static Reducer<Object, Object> toList() {
        return reducer(Reducers.toList());
    }

    @SuppressWarnings("unchecked")
    private static Reducer<Object, Object> reducer(Reducer<?, ?> reducer) {
        return (Reducer<Object, Object>) reducer;
    }
}
