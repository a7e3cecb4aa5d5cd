package dev.canopy.grid;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Per-job meters on a node stay bounded: at most {@code metricsJobNames} job names are tagged, the
 * rest count under {@code job="other"}, and a name idle for {@code metricsJobExpiry} leaves the
 * registry. One member, so that every task of a job is counted on the node the test reads.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JobMetricsTest extends GridTestSupport {

    private GridNode startNode(GridConfig config) {
        return cluster().start(1, () -> cluster().startMember(config)).get(0);
    }

    private static long runJob(GridNode node, String name, int tasks) {
        return await(node.submit(Job.range(0, tasks, (i, ctx) -> i).reduce(Reducers.sumLong()).name(name).leafSize(4)
                .build()).result());
    }

    /** Tasks completed on the node, by {@code job} tag. */
    private static Map<String, Double> completedByJob(MeterRegistry registry) {
        Map<String, Double> counts = new TreeMap<>();
        for (FunctionCounter c : registry.find("canopy.tasks.completed").functionCounters()) {
            counts.put(c.getId().getTag("job"), c.count());
        }
        return counts;
    }

    @Test
    void whenThreeJobNamesRunWithACapOfTwo_thenTwoNamesAndOtherCarryTheExactTaskCounts() {
        // given
        GridNode node = startNode(GridConfig.defaults().workerThreads(2).metricsJobNames(2));

        // when: three jobs of different names, one after another
        assertEquals(TestTasks.sumBelow(10), runJob(node, "alpha", 10));
        assertEquals(TestTasks.sumBelow(20), runJob(node, "beta", 20));
        assertEquals(TestTasks.sumBelow(30), runJob(node, "gamma", 30));

        // then
        MeterRegistry registry = node.meterRegistry();
        assertEquals(Map.of("alpha", 10.0, "beta", 20.0, "other", 30.0), completedByJob(registry));
        assertEquals(PerJobMeters.of("alpha", "beta", "other"), PerJobMeters.in(registry));
    }

    @Test
    void whenAJobNameIsIdleForTheExpiry_thenItsMetersLeaveTheRegistryAndItsSlotFrees() {
        // given: one tagged name at most, expiring a second after its last job
        GridNode node = startNode(GridConfig.defaults().workerThreads(2).metricsJobNames(1)
                .metricsJobExpiry(Duration.ofSeconds(1)));
        MeterRegistry registry = node.meterRegistry();
        assertEquals(TestTasks.sumBelow(10), runJob(node, "alpha", 10));
        assertEquals(PerJobMeters.of("alpha"), PerJobMeters.in(registry));

        // when
        awaitTrue("alpha's meters to expire", () -> PerJobMeters.in(registry).isEmpty());
        assertEquals(TestTasks.sumBelow(20), runJob(node, "beta", 20));

        // then: beta took the slot alpha freed
        assertEquals(Map.of("beta", 20.0), completedByJob(registry));
        assertEquals(PerJobMeters.of("beta"), PerJobMeters.in(registry));
    }
}
