package dev.canopy.examples;

import dev.canopy.examples.Example.Result;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NestedExampleTest extends GridTestSupport {

    @Test
    void whenRunWithDefaults_thenSumEqualsClosedForm() throws Exception {
        // given: 8 outer tasks on 3 members with 2 workers each, fewer workers than outer tasks
        List<GridNode> nodes = startCluster(3);
        Output out = new Output();

        // when
        Result result = new NestedExample().run(nodes.get(2), List.of(), out.stream());

        // then: sum of i^2 for i < 8,000
        assertTrue(result.ok(), result.summary() + "\n" + out.text());
        assertTrue(result.summary().contains("= 170,634,668,000;"), result.summary());
    }

    @Test
    void whenOuterJobRuns_thenItSumsTheInnerJobs() {
        // given
        List<GridNode> nodes = startCluster(2);

        // when
        long sum = await(nodes.get(0).submit(NestedExample.job(5, 300)).result());

        // then
        assertEquals(LongStream.range(0, 1_500).map(i -> i * i).sum(), sum);
        assertEquals(sum, NestedExample.sumOfSquaresBelow(1_500));
    }

    @Test
    void whenSumWouldOverflow_thenErrorNamesTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NestedExample().run(null, List.of("--outer", "10", "--inner", "1000000"),
                        new Output().stream()));
        assertTrue(e.getMessage().contains("at most 2000000"), e.getMessage());
    }
}
