package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A task that throws fails only that task until its attempts run out. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TaskFailureTest extends GridTestSupport {

    @Test
    void whenTasksThrowOnFirstAttemptOnly_thenJobSucceedsWithExactResult() {
        // given: 10 of 1000 tasks (i % 100 == 7) throw on their first attempt
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 1_000, (i, ctx) -> TestTasks.failOnFirstAttempt(run, i, i % 100 == 7, ctx))
                .reduce(Reducers.sumLong()).leafSize(50).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        long sum = await(handle.result());

        // then
        assertEquals(TestTasks.sumBelow(1_000), sum);
        for (long i = 7; i < 1_000; i += 100) {
            assertEquals(2, TestTasks.count(run + ":" + i), "attempts of failing index " + i);
        }
        JobProgress progress = handle.progress();
        assertEquals(10, progress.retried(), "one re-run per task that failed once: " + progress);
        assertEquals(0, progress.failed());
        assertEquals(1_000, progress.done());
        assertEquals(JobState.COMPLETED, handle.state());
        assertEquals(List.of(), handle.failures());
    }

    @Test
    void whenTaskFailsOnce_thenRetryRunsOnAnotherMember() {
        // given: index 42 throws on its first attempt; each attempt records its member
        GridNode submitter = startCluster(3).get(1);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 100, (i, ctx) -> TestTasks.failOnFirstAttempt(run, i, i == 42, ctx))
                .reduce(Reducers.sumLong()).leafSize(10).build();

        // when
        long sum = await(submitter.submit(job).result());

        // then
        assertEquals(TestTasks.sumBelow(100), sum);
        List<UUID> attempts = assertRetriedOnAnotherMember(run + ":42", "attempts of index 42");
        assertTrue(memberUuids().containsAll(attempts));
    }

    @Test
    void whenTaskAlwaysThrows_thenJobFailsNamingTaskAttemptsAndCause() {
        // given: index 7 always throws; two attempts allowed
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 100, (i, ctx) -> TestTasks.alwaysFailWhen(run, i, i == 7))
                .reduce(Reducers.sumLong()).maxAttempts(2).leafSize(10).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertJobFailed(failure, "index 7", 2);
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals("boom 7", cause.getMessage());
        assertEquals(2, TestTasks.count(run + ":7"), "index 7 runs exactly maxAttempts times");
        assertEquals(JobState.FAILED, handle.state());
    }

    @Test
    void whenFailuresAreTolerated_thenJobCompletesWithOthersAndNamesFailedTasks() {
        // given: indices 13 and 57 always throw, two failures tolerated, default attempts (3)
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 100, (i, ctx) -> TestTasks.alwaysFailWhen(run, i, i == 13 || i == 57))
                .reduce(Reducers.sumLong()).tolerateFailures(2).leafSize(10).build();

        // when
        JobHandle<Long> handle = nodes.get(2).submit(job);
        long sum = await(handle.result());

        // then
        assertEquals(TestTasks.sumBelow(100) - 13 - 57, sum);
        assertEquals(JobState.COMPLETED, handle.state());
        List<TaskFailure> failures = handle.failures();
        assertEquals(Set.of("index 13", "index 57"),
                failures.stream().map(TaskFailure::task).collect(Collectors.toSet()), "failures: " + failures);
        assertEquals(2, failures.size(), "failures: " + failures);
        for (TaskFailure f : failures) {
            assertEquals(Job.DEFAULT_MAX_ATTEMPTS, f.attempts(), "attempts of " + f);
            String index = f.task().substring("index ".length());
            assertTrue(f.error().contains("IllegalStateException") && f.error().contains("boom " + index),
                    "error of " + f.task() + " names the exception's class and message: " + f.error());
        }
        assertEquals(Job.DEFAULT_MAX_ATTEMPTS, TestTasks.count(run + ":13"));
        assertEquals(Job.DEFAULT_MAX_ATTEMPTS, TestTasks.count(run + ":57"));
        JobProgress progress = handle.progress();
        assertEquals(2, progress.failed());
        assertEquals(100, progress.done(), "done counts tolerated failures");
    }

    @Test
    void whenMoreTasksFailThanTolerated_thenJobFails() {
        // given: three indices always throw, two failures tolerated
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 100, (i, ctx) -> TestTasks.alwaysFailWhen(run, i, i == 3 || i == 33 || i == 66))
                .reduce(Reducers.sumLong())
                .tolerateFailures(2).maxAttempts(1).leafSize(10).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertTrue(Set.of("index 3", "index 33", "index 66").contains(failed.task()), "failed task: " + failed.task());
        assertEquals(1, failed.attempts());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals("boom " + failed.task().substring("index ".length()), cause.getMessage());
        assertEquals(JobState.FAILED, handle.state());
    }

    @Test
    void whenReducerThrows_thenJobFailsNamingTheReducer() {
        // given: a reducer whose accumulate always throws
        List<GridNode> nodes = startCluster(2);
        Reducer<Long, Long> broken = Reducers.<Long, Long>of(() -> 0L,
                (acc, value) -> {
                    throw new IllegalStateException("reducer boom");
                },
                Long::sum);
        Job<Long, Long> job = Job.range(0, 100, (i, ctx) -> i).reduce(broken).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertJobFailed(failure, "reducer", 0);
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals("reducer boom", cause.getMessage());
        assertEquals(JobState.FAILED, handle.state());
    }
}
