package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Job#rangeToLong}: tasks returning an unboxed {@code long} give the same results, retries,
 * failures and cancellation as {@link Job#range}, whatever the reducer.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LongRangeJobTest extends GridTestSupport {

    @Test
    void whenMillionTaskLongRangeIsSummed_thenSumAndCountMatchClosedForm() {
        // given
        List<GridNode> nodes = startCluster(3);
        long n = 1_000_000;

        // when
        long sum = await(nodes.get(0).submit(Job.rangeToLong(0, n, (i, ctx) -> TestTasks.mod1000(i))
                .reduce(Reducers.sumLong()).build()).result());
        long count = await(nodes.get(1).submit(Job.rangeToLong(5, n, (i, ctx) -> i)
                .reduce(Reducers.count()).leafSize(777).build()).result());

        // then
        assertEquals(TestTasks.sumMod1000(n), sum);
        assertEquals(n - 5, count);
    }

    @Test
    void whenReducerIsNotUnboxed_thenValuesArriveBoxedInTaskOrder() {
        // given: toList and max take the boxed path
        List<GridNode> nodes = startCluster(3);

        // when
        List<Long> squares = await(nodes.get(0).submit(Job.rangeToLong(0, 2_000, (i, ctx) -> i * i)
                .reduce(Reducers.<Long>toList()).leafSize(64).build()).result());
        long max = await(nodes.get(2).submit(Job.rangeToLong(0, 10_000, (i, ctx) -> (i * 7919) % 10_007)
                .reduce(Reducers.<Long>max()).build()).result());

        // then
        assertEquals(LongStream.range(0, 2_000).map(i -> i * i).boxed().toList(), squares);
        assertEquals(LongStream.range(0, 10_000).map(i -> (i * 7919) % 10_007).max().orElseThrow(), max);
    }

    @Test
    void whenLongTaskFailsOnce_thenItIsRetriedOnAnotherMemberAndTheSumIsExact() {
        // given: index 42 throws on its first attempt, inside the unboxed loop
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.rangeToLong(0, 5_000, (i, ctx) -> TestTasks.failOnFirstAttempt(run, i, i == 42, ctx))
                .reduce(Reducers.sumLong()).leafSize(500).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        long sum = await(handle.result());

        // then
        assertEquals(TestTasks.sumBelow(5_000), sum);
        assertRetriedOnAnotherMember(run + ":42", "attempts of index 42");
        assertEquals(1, TestTasks.count(run + ":41"), "a neighbour of the failed task ran once");
        assertEquals(1, TestTasks.count(run + ":43"), "a neighbour of the failed task ran once");
        assertEquals(1, handle.progress().retried());
    }

    @Test
    void whenLongTaskAlwaysThrows_thenJobFailsNamingItsIndex() {
        // given
        List<GridNode> nodes = startCluster(2);
        String run = newRunId();
        Job<Long, Long> job = Job.rangeToLong(0, 3_000, (i, ctx) -> TestTasks.alwaysFailWhen(run, i, i == 2_049))
                .reduce(Reducers.count()).maxAttempts(2).build();

        // when
        Throwable failure = awaitFailure(nodes.get(0).submit(job).result());

        // then
        JobFailedException failed = assertJobFailed(failure, "index 2049", 2);
        assertEquals("boom 2049", failed.getCause().getMessage());
    }

    @Test
    void whenLongRangeJobIsCancelled_thenRunningTasksSeeIt() {
        // given: one leaf whose tasks run until cancelled
        List<GridNode> nodes = startCluster(2);
        String run = newRunId();
        JobHandle<Long> handle = nodes.get(0).submit(Job.rangeToLong(0, 10, (i, ctx) -> TestTasks.loopUntilCancelled(run, ctx))
                .reduce(Reducers.sumLong()).leafSize(10).build());
        awaitTrue("a task to start", () -> TestTasks.count(run + ":started") >= 1);

        // when
        assertTrue(handle.cancel());

        // then: the task saw it, and the rest of the leaf did not run
        assertInstanceOf(CancellationException.class, awaitFailure(handle.result()));
        awaitTrue("the running task to observe the cancellation", () -> TestTasks.count(run + ":observed") == 1);
        assertEquals(1, TestTasks.count(run + ":started"), "tasks started in the cancelled leaf");
        assertEquals(0, TestTasks.count(run + ":ranOut"));
    }

    @Test
    void whenTasksFailDeepInsideOneBigLeaf_thenEachIsRetriedOnceAndTheSumIsExact() {
        // given: one leaf of 200,000 fast tasks (the loop runs them in growing blocks between cancel
        // checks), three of which throw on their first attempt: in the first block, and deep inside
        List<GridNode> nodes = startCluster(2);
        String run = newRunId();
        Set<Long> failing = Set.of(0L, 5_000L, 150_001L);
        Job<Long, Long> job = Job.rangeToLong(0, 200_000,
                        (i, ctx) -> failing.contains(i) ? TestTasks.failOnFirstAttempt(run, i, true, ctx) : i)
                .reduce(Reducers.sumLong()).leafSize(200_000).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);
        long sum = await(handle.result());

        // then: every index counted once, each failing one run twice
        assertEquals(TestTasks.sumBelow(200_000), sum);
        for (long i : failing) {
            assertEquals(2, TestTasks.count(run + ":" + i), "attempts of index " + i);
        }
        assertEquals(3, handle.progress().retried());
        assertEquals(200_000, handle.progress().done());
    }

    @Test
    void whenFastTasksOfOneBigLeafAreCancelled_thenTheLeafStopsWithinOneBlock() {
        // given: one leaf of a million fast tasks; index 100,000 waits for the cancel
        List<GridNode> nodes = startCluster(2);
        String run = newRunId();
        JobHandle<Long> handle = nodes.get(0).submit(Job.rangeToLong(0, 1_000_000, (i, ctx) -> {
            if (i == 100_000) {
                return TestTasks.loopUntilCancelled(run, ctx);
            }
            if (ctx.isCancelled()) {
                TestTasks.increment(run + ":afterCancel");
            }
            return 1L;
        }).reduce(Reducers.sumLong()).leafSize(1_000_000).build());
        awaitTrue("index 100,000 to start", () -> TestTasks.count(run + ":started") == 1);

        // when
        assertTrue(handle.cancel());

        // then: the tasks left in the running block run, and no more: the loop checks between blocks
        // of at most 4,096 tasks, so a cancel is not delayed by the rest of a big leaf
        assertInstanceOf(CancellationException.class, awaitFailure(handle.result()));
        awaitTrue("the waiting task to observe the cancellation", () -> TestTasks.count(run + ":observed") == 1);
        int after = TestTasks.count(run + ":afterCancel");
        assertTrue(after < 4_096, "tasks run after the cancel: " + after);
    }

    @Test
    void whenLongTaskIsNull_thenBuilderSaysWhatToPass() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Job.rangeToLong(0, 10, null));
        assertEquals("task must not be null: pass a LongIndexTask such as (i, ctx) -> i * i", e.getMessage());
    }
}
