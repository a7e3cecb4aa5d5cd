package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A task can submit a job of its own through its context (the peer pattern), and wait for it. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NestedJobTest extends GridTestSupport {

    /**
     * Level 0 returns 1; level n submits a one-task job running level n-1 and returns twice its
     * result, so a chain started at level n returns 2^n.
     */
    static long chain(int level, TaskContext ctx) throws Exception {
        if (level == 0) {
            return 1L;
        }
        int next = level - 1;
        Job<Long, Long> inner = Job.of(List.<Task<Long>>of(c -> chain(next, c)))
                .reduce(Reducers.sumLong())
                .name("chain-" + next)
                .build();
        return 2 * ctx.grid().submit(inner).result().get(60, TimeUnit.SECONDS);
    }

    /** Sums {@code [100k, 100k + 100)} in a 100-task job of its own. */
    static long fanOutSubJob(long k, TaskContext ctx) throws Exception {
        Job<Long, Long> inner = Job.range(k * 100, k * 100 + 100, (i, c) -> i)
                .reduce(Reducers.sumLong())
                .leafSize(10)
                .build();
        return ctx.grid().submit(inner).result().get(60, TimeUnit.SECONDS);
    }

    @Test
    void whenNestedChainIsDeeperThanWorkerPool_thenItCompletesWithExactValue() {
        // given: one member with two worker threads, and a chain of 5 nested jobs below the top job
        GridNode node = startCluster(1, 2).get(0);
        Job<Long, Long> job = Job.of(List.<Task<Long>>of(ctx -> chain(5, ctx)))
                .reduce(Reducers.sumLong())
                .name("chain-5")
                .build();

        // when
        long value = await(node.submit(job).result());

        // then
        assertEquals(32L, value);
    }

    @Test
    void whenNestedChainRunsOnSeveralMembers_thenItCompletesWithExactValue() {
        // given: two members with two worker threads each (4 in all) and a chain of 5 nested jobs
        List<GridNode> nodes = startCluster(2, 2);
        Job<Long, Long> job = Job.of(List.<Task<Long>>of(ctx -> chain(5, ctx)))
                .reduce(Reducers.sumLong())
                .build();

        // when
        long value = await(nodes.get(1).submit(job).result());

        // then
        assertEquals(32L, value);
    }

    @Test
    void whenTasksFanOutSubJobs_thenOuterJobSumsThem() {
        // given: 4 tasks, task k sums [100k, 100k + 100) in a 100-task job of its own
        List<GridNode> nodes = startCluster(3, 2);
        Job<Long, Long> job = Job.range(0, 4, (k, ctx) -> fanOutSubJob(k, ctx))
                .reduce(Reducers.sumLong())
                .leafSize(1)
                .build();

        // when
        long sum = await(nodes.get(0).submit(job).result());

        // then: the sum of [0, 400)
        assertEquals(TestTasks.sumBelow(400), sum);
        assertEquals(79_800L, sum);
    }
}
