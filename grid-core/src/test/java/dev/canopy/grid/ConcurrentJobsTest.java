package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Many jobs share the grid; leaves of higher-priority jobs run first. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConcurrentJobsTest extends GridTestSupport {

    @Test
    void whenTwentyRangeJobsRunAtOnce_thenEachHasItsExactResult() {
        // given: job j sums i + j over [0, 50000 + 1000 j)
        List<GridNode> nodes = startCluster(3);
        List<JobHandle<Long>> handles = new ArrayList<>();

        // when: all 20 are submitted before any is awaited, from all members
        for (int j = 0; j < 20; j++) {
            long offset = j;
            Job<Long, Long> job = Job.range(0, 50_000 + 1_000L * j, (i, ctx) -> i + offset)
                    .reduce(Reducers.sumLong())
                    .name("concurrent-" + j)
                    .build();
            handles.add(nodes.get(j % 3).submit(job));
        }

        // then
        for (int j = 0; j < 20; j++) {
            long n = 50_000 + 1_000L * j;
            assertEquals(TestTasks.sumBelow(n) + j * n, await(handles.get(j).result()), "result of job " + j);
        }
    }

    @Test
    void whenHighPriorityJobArrivesDuringLowPriorityJob_thenItCompletesWhileLowHasWorkLeft() {
        // given: one member, one worker thread, busy with a low-priority job of 50 one-task leaves;
        // each low task waits for a permit that this test hands out one at a time. The high-priority
        // job has more leaves (100) than the low one, so taking turns alone would finish the low job first.
        GridNode node = startCluster(1, 1).get(0);
        String lowRun = newRunId();
        String highRun = newRunId();
        Semaphore permits = TestTasks.semaphore(lowRun);
        int lowTasks = 50;
        int highTasks = 100;
        JobHandle<Long> low = node.submit(Job.range(0, lowTasks, (i, ctx) -> TestTasks.takePermit(lowRun, i))
                .reduce(Reducers.sumLong())
                .leafSize(1)
                .priority(0)
                .name("low")
                .build());
        awaitTrue("the low-priority job's first task to run", () -> TestTasks.count(lowRun + ":started") >= 1);

        // when: a high-priority job arrives, and low tasks get permits one by one until every high task ran
        JobHandle<Long> high = node.submit(Job.range(0, highTasks, (i, ctx) -> {
                    TestTasks.increment(highRun + ":ran");
                    return i;
                })
                .reduce(Reducers.sumLong())
                .leafSize(1)
                .priority(10)
                .name("high")
                .build());
        int released = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (TestTasks.count(highRun + ":ran") < highTasks) {
            if (System.nanoTime() - deadline > 0) {
                fail("the high-priority job's tasks did not all run within " + WAIT + "; they ran "
                        + TestTasks.count(highRun + ":ran") + " times, low tasks finished: "
                        + TestTasks.count(lowRun + ":finished"));
            }
            if (TestTasks.count(lowRun + ":started") > released && released < lowTasks) {
                permits.release();
                released++;
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        // no more permits from here: the low job cannot advance past its current task
        int lowFinishedWhenHighRan = TestTasks.count(lowRun + ":finished");

        // then
        assertEquals(TestTasks.sumBelow(highTasks), await(high.result()));
        assertTrue(lowFinishedWhenHighRan < lowTasks,
                "low tasks finished before the high-priority job's tasks all ran: " + lowFinishedWhenHighRan);
        JobProgress lowProgress = low.progress();
        assertFalse(low.result().isDone(), "the low-priority job finished before the high-priority one");
        assertTrue(lowProgress.done() < lowTasks, "low job's progress when the high one completed: " + lowProgress);

        // and the low job still completes exactly once its tasks may go on
        permits.release(10 * lowTasks);
        assertEquals(TestTasks.sumBelow(lowTasks), await(low.result()));
    }
}
