package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancelling a job, or its timeout running out, stops it across the grid and tells its tasks. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CancellationTest extends GridTestSupport {

    /** 1000 one-task leaves, each running until the job is cancelled (or 30 s pass). */
    private static Job<Long, Long> longJob(String run) {
        return Job.range(0, 1_000, (i, ctx) -> TestTasks.loopUntilCancelled(run, ctx))
                .reduce(Reducers.sumLong())
                .leafSize(1)
                .name("long")
                .build();
    }

    /** Submits {@link #longJob} from {@code submitter} and waits until its tasks start. */
    private static JobHandle<Long> startLongJob(GridNode submitter, String run) {
        JobHandle<Long> handle = submitter.submit(longJob(run));
        awaitTrue("tasks to start", () -> TestTasks.count(run + ":started") >= 1);
        return handle;
    }

    /** Waits until every task that started (at least one) has seen the cancellation, and none ran out its 30 s. */
    private static void awaitTasksObservedCancellation(String run) {
        awaitTasksObservedCancellation(run, 1);
    }

    private static void awaitTasksObservedCancellation(String run, int leastStarted) {
        awaitTrue("every started task to observe the cancellation", () -> {
            int started = TestTasks.count(run + ":started");
            return started >= leastStarted && TestTasks.count(run + ":observed") == started;
        });
        assertEquals(0, TestTasks.count(run + ":ranOut"), "tasks that never saw the cancellation");
    }

    @Test
    void whenRunningJobIsCancelled_thenResultIsCancellationAndTasksObserveIt() {
        // given: a long job whose tasks are running
        GridNode submitter = startCluster(3).get(0);
        String run = newRunId();
        JobHandle<Long> handle = startLongJob(submitter, run);

        // when
        boolean cancelled = handle.cancel();

        // then
        assertTrue(cancelled, "cancel() of a running job");
        Throwable failure = awaitFailure(handle.result());
        assertInstanceOf(CancellationException.class, failure);
        awaitTasksObservedCancellation(run);
        assertTrue(TestTasks.count(run + ":started") < 1_000, "a cancelled job does not run all its tasks");
        assertEquals(JobState.CANCELLED, handle.state());
    }

    @Test
    void whenRunningJobIsCancelled_thenItsProgressShowsNothingRunning() {
        // given: a long job whose tasks are running, as its progress shows
        GridNode submitter = startCluster(2).get(0);
        String run = newRunId();
        JobHandle<Long> handle = startLongJob(submitter, run);
        awaitTrue("the job's progress to show running tasks", () -> handle.progress().running() > 0);

        // when
        assertTrue(handle.cancel(), "cancel() of a running job");

        // then: at once, and after the job's records have settled
        assertEquals(0, handle.progress().running(), "running tasks right after the cancel");
        awaitTasksObservedCancellation(run);
        awaitTrue("the job record to be finished", () -> submitter.jobs().stream()
                .anyMatch(info -> info.id().equals(handle.id()) && info.state() == JobState.CANCELLED));
        assertEquals(0, handle.progress().running(), "running tasks once the records settled");
    }

    @Test
    void whenCancelledAgain_thenSecondCancelReturnsFalse() {
        // given: a cancelled job
        GridNode submitter = startCluster(2).get(0);
        String run = newRunId();
        JobHandle<Long> handle = startLongJob(submitter, run);
        assertTrue(handle.cancel());
        awaitFailure(handle.result());

        // when
        boolean again = handle.cancel();

        // then
        assertFalse(again, "cancel() of an already cancelled job");
        assertEquals(JobState.CANCELLED, handle.state());
    }

    @Test
    void whenCancelledFromAnotherMember_thenSubmittersResultIsCancelled() {
        // given: a long job submitted on member 0, re-attached on member 2
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        JobHandle<Long> handle = startLongJob(nodes.get(0), run);
        Optional<JobHandle<?>> elsewhere = nodes.get(2).job(handle.id());
        assertTrue(elsewhere.isPresent(), "job " + handle.id() + " seen from member 2");

        // when
        boolean cancelled = elsewhere.get().cancel();

        // then
        assertTrue(cancelled);
        assertInstanceOf(CancellationException.class, awaitFailure(handle.result()));
        assertInstanceOf(CancellationException.class, awaitFailure(elsewhere.get().result()));
        awaitTasksObservedCancellation(run);
    }

    @Test
    void whenTimeoutRunsOut_thenResultIsCancellationCausedByTimeout() {
        // given
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 1_000, (i, ctx) -> TestTasks.loopUntilCancelled(run, ctx))
                .reduce(Reducers.sumLong()).leafSize(1).timeout(Duration.ofMillis(500)).build();

        // when
        JobHandle<Long> handle = nodes.get(1).submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        CancellationException cancellation = assertInstanceOf(CancellationException.class, failure);
        assertInstanceOf(TimeoutException.class, cancellation.getCause(),
                "cause of the cancellation: " + cancellation.getCause());
        assertEquals(JobState.CANCELLED, handle.state());
        awaitTasksObservedCancellation(run, 0);
    }

    @Test
    void whenJobFinished_thenCancelReturnsFalseAndResultStays() {
        // given: a finished job
        List<GridNode> nodes = startCluster(2);
        JobHandle<Long> handle = nodes.get(0).submit(Job.range(0, 100, (i, ctx) -> i)
                .reduce(Reducers.sumLong()).build());
        assertEquals(4_950L, await(handle.result()));

        // when
        boolean cancelled = handle.cancel();

        // then
        assertFalse(cancelled, "cancel() of a completed job");
        assertEquals(JobState.COMPLETED, handle.state());
        assertEquals(4_950L, await(handle.result()));
        assertEquals(4_950L, await(nodes.get(1).job(handle.id()).orElseThrow().result()));
    }
}
