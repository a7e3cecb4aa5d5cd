package dev.canopy.examples;

import dev.canopy.examples.Example.Result;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PiExampleTest extends GridTestSupport {

    @Test
    void whenRunWithDefaults_thenEstimateIsWithinOneHundredthOfPi() throws Exception {
        // given
        List<GridNode> nodes = startCluster(2);
        Output out = new Output();

        // when
        Result result = new PiExample().run(nodes.get(0), List.of(), out.stream());

        // then
        assertTrue(result.ok(), result.summary() + "\n" + out.text());
        assertTrue(out.text().contains("OK: pi ~ 3.14"), out.text());
        assertEquals(0.01, PiExample.tolerance((double) PiExample.DEFAULT_TASKS * PiExample.DEFAULT_SAMPLES));
    }

    @Test
    void whenJobRunsOnThreeMembers_thenHitsEqualSingleThreadedCount() {
        // given
        List<GridNode> nodes = startCluster(3);
        long tasks = 3_000;
        int samples = 1_000;
        long expected = 0;
        for (long i = 0; i < tasks; i++) {
            expected += PiExample.hits(i, samples);
        }

        // when
        long hits = await(nodes.get(1).submit(PiExample.job(tasks, samples)).result());

        // then
        assertEquals(expected, hits);
        assertTrue(Math.abs(PiExample.estimate(hits, tasks * samples) - Math.PI) < 0.01);
    }

    @Test
    void whenOptionIsUnknownOrOutOfRange_thenErrorNamesIt() {
        // given
        PiExample pi = new PiExample();
        Output out = new Output();

        // when / then: nothing is submitted, so no grid is needed
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> pi.run(null, List.of("--task", "5"), out.stream()));
        assertTrue(unknown.getMessage().contains("--task") && unknown.getMessage().contains("--tasks"),
                unknown.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> pi.run(null, List.of("--samples=0"), out.stream()));
        assertTrue(zero.getMessage().contains("--samples must be between 1"), zero.getMessage());
    }
}
