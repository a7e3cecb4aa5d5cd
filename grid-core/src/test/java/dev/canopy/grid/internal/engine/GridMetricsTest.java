package dev.canopy.grid.internal.engine;

import dev.canopy.grid.PerJobMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The bounds on per-job meters without a cluster: the cap on tagged job names and the expiry of
 * idle names, on a {@link SimpleMeterRegistry} with a clock the test moves by hand.
 */
class GridMetricsTest {

    private static final long EXPIRY = 600_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000);

    private GridMetrics metrics(int maxJobNames) {
        return new GridMetrics(registry, "m1", new WorkerPool("test-worker", 1, () -> { }), maxJobNames, EXPIRY,
                now::get);
    }

    /** Tasks completed by {@code job} tag. */
    private Map<String, Double> completedByJob() {
        Map<String, Double> counts = new TreeMap<>();
        for (FunctionCounter c : registry.find("canopy.tasks.completed").functionCounters()) {
            counts.put(c.getId().getTag("job"), c.count());
        }
        return counts;
    }

    @Test
    void whenMoreNamesRunThanTheCap_thenTheFirstAreTaggedAndTheRestCountAsOther() {
        // given
        GridMetrics metrics = metrics(2);

        // when: leaves of four names, the first two twice
        metrics.leafRan("alpha", 10, 0, false, 1_000);
        metrics.leafRan("beta", 20, 0, false, 1_000);
        metrics.leafRan("gamma", 30, 0, false, 1_000);
        metrics.leafRan("delta", 40, 0, false, 1_000);
        metrics.leafRan("alpha", 1, 0, false, 1_000);
        metrics.leafRan("beta", 2, 0, false, 1_000);

        // then
        assertEquals(Map.of("alpha", 11.0, "beta", 22.0, "other", 70.0), completedByJob());
        assertEquals(PerJobMeters.of("alpha", "beta", "other"), PerJobMeters.in(registry));
    }

    @Test
    void whenTheCapIsZero_thenEveryJobCountsAsOther() {
        // given
        GridMetrics metrics = metrics(0);

        // when
        metrics.leafRan("alpha", 10, 0, false, 1_000);
        metrics.leafRan("beta", 20, 3, true, 1_000);

        // then
        assertEquals(Map.of("other", 30.0), completedByJob());
        FunctionCounter retried = registry.get("canopy.tasks.retried").tag("job", "other").functionCounter();
        assertEquals(23.0, retried.count());
        assertEquals(PerJobMeters.of("other"), PerJobMeters.in(registry));
    }

    @Test
    void whenAJobIsNamedOther_thenItSharesTheOtherMetersAndTakesNoSlot() {
        // given
        GridMetrics metrics = metrics(1);

        // when
        metrics.leafRan("other", 5, 0, false, 1_000);
        metrics.leafRan("alpha", 10, 0, false, 1_000);
        metrics.leafRan("beta", 20, 0, false, 1_000);

        // then
        assertEquals(Map.of("alpha", 10.0, "other", 25.0), completedByJob());
    }

    @Test
    void whenANameIsIdleForTheExpiry_thenAllItsMetersGoAndItsSlotFrees() {
        // given: a cap of one, taken by alpha, whose job ends a minute after its leaf ran
        GridMetrics metrics = metrics(1);
        metrics.leafRan("alpha", 10, 0, false, 1_000);
        now.addAndGet(60_000);
        metrics.jobEnded("alpha");
        metrics.leafRan("beta", 20, 0, false, 1_000);

        // when: a sweep just before alpha's expiry, then one at it
        now.addAndGet(EXPIRY - 1);
        metrics.expireIdleJobs(List.of("beta"));
        Set<String> beforeExpiry = PerJobMeters.in(registry);
        now.addAndGet(1);
        metrics.expireIdleJobs(List.of("beta"));

        // then: alpha's meters go, other stays while beta is held; beta takes the freed slot
        assertEquals(PerJobMeters.of("alpha", "other"), beforeExpiry);
        assertEquals(PerJobMeters.of("other"), PerJobMeters.in(registry));
        metrics.leafRan("beta", 2, 0, false, 1_000);
        assertEquals(Map.of("beta", 2.0, "other", 20.0), completedByJob());
    }

    @Test
    void whenAJobOfTheNameIsStillHeld_thenItsMetersOutliveTheExpiry() {
        // given
        GridMetrics metrics = metrics(2);
        metrics.leafRan("alpha", 10, 0, false, 1_000);
        metrics.leafRan("beta", 20, 0, false, 1_000);

        // when: an expiry passes with no leaf, and this member still holds a job named alpha
        now.addAndGet(EXPIRY);
        metrics.expireIdleJobs(List.of("alpha"));

        // then: beta goes; alpha stays until an expiry after it was last held
        assertEquals(PerJobMeters.of("alpha"), PerJobMeters.in(registry));
        now.addAndGet(EXPIRY - 1);
        metrics.expireIdleJobs(List.of());
        assertEquals(PerJobMeters.of("alpha"), PerJobMeters.in(registry));
        now.addAndGet(1);
        metrics.expireIdleJobs(List.of());
        assertEquals(Set.of(), PerJobMeters.in(registry));
    }

    @Test
    void whenANameComesBackAfterItExpired_thenItsCountsStartAgain() {
        // given
        GridMetrics metrics = metrics(1);
        metrics.leafRan("alpha", 10, 0, false, 1_000);
        now.addAndGet(EXPIRY);
        metrics.expireIdleJobs(List.of());

        // when
        metrics.leafRan("alpha", 3, 0, false, 1_000);

        // then
        assertEquals(Map.of("alpha", 3.0), completedByJob());
    }

    @Test
    void whenTheExpiryIsLongOrShort_thenTheSweepRunsEveryTenthOfItWithinASecondAndAMinute() {
        assertEquals(60_000, metrics(1).expirySweepMillis());
        assertEquals(30_000, new GridMetrics(registry, "m2", new WorkerPool("w", 1, () -> { }), 1, 300_000)
                .expirySweepMillis());
        assertEquals(1_000, new GridMetrics(registry, "m3", new WorkerPool("w", 1, () -> { }), 1, 10)
                .expirySweepMillis());
    }

    @Test
    void whenTheBoundsAreOutOfRange_thenConstructionFailsNamingTheSetting() {
        WorkerPool workers = new WorkerPool("w", 1, () -> { });
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> new GridMetrics(registry, "m", workers, -1, EXPIRY));
        assertEquals("metricsJobNames must be >= 0 but was -1: set 0 to count every job under job=\"other\"",
                names.getMessage());
        IllegalArgumentException expiry = assertThrows(IllegalArgumentException.class,
                () -> new GridMetrics(registry, "m", workers, 1, 0));
        assertEquals("metricsJobExpiry must be positive but was 0 ms: set how long a job name's meters outlive"
                + " its last job, e.g. 10m", expiry.getMessage());
    }
}
