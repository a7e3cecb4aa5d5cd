package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job graphs on a real in-JVM cluster: order, results, failure, cancellation, timeouts, re-attaching. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobGraphTest extends GridTestSupport {

    /** The sum of {@code [from, to)} as a job of its own. */
    static Job<Long, Long> sum(String name, long from, long to) {
        return Job.range(from, to, (i, ctx) -> i).reduce(Reducers.sumLong()).name(name).leafSize(10).build();
    }

    /** A one-task job returning {@code value}. */
    static Job<Long, Long> constant(String name, long value) {
        return Job.of(List.<Task<Long>>of(ctx -> value)).reduce(Reducers.sumLong()).name(name).build();
    }

    /** A one-task job whose task throws. */
    static Job<Long, Long> failing(String name) {
        return Job.of(List.<Task<Long>>of(ctx -> {
            throw new IllegalStateException("stage blew up");
        })).reduce(Reducers.sumLong()).name(name).maxAttempts(1).build();
    }

    /** A one-task job that sleeps for a minute unless cancelled. */
    static Job<Long, Long> sleeping(String name) {
        return Job.of(List.<Task<Long>>of(ctx -> {
            for (int i = 0; i < 600 && !ctx.isCancelled(); i++) {
                Thread.sleep(100);
            }
            return 0L;
        })).reduce(Reducers.sumLong()).name(name).build();
    }

    static JobGraph diamond(String name) {
        return JobGraph.builder(name)
                .stage("a", sum(name + "-a", 0, 100))
                .stage("b", in -> constant(name + "-b", 2 * in.<Long>get("a")), "a")
                .stage("c", in -> constant(name + "-c", in.<Long>get("a") + 1), "a")
                .stage("d", in -> constant(name + "-d", in.<Long>get("b") + in.<Long>get("c")), "b", "c")
                .build();
    }

    @Test
    void whenDiamondGraphRuns_thenEveryStageHasItsExactResult() {
        // given
        List<GridNode> nodes = startCluster(3);

        // when
        GraphHandle handle = nodes.get(0).submit(diamond("diamond"));
        Map<String, Object> results = await(handle.result());

        // then: a = 4950, b = 9900, c = 4951, d = 14851, in the order the stages were added
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(results.keySet()));
        assertEquals(Map.of("a", 4950L, "b", 9900L, "c", 4951L, "d", 14851L), results);
        assertEquals(14851L, (Long) await(handle.result("d")));
        assertEquals(JobState.COMPLETED, handle.state());
        assertEquals(4, handle.stages().size());
        for (JobInfo stage : handle.stages().values()) {
            assertEquals(JobState.COMPLETED, stage.state());
        }
    }
}
