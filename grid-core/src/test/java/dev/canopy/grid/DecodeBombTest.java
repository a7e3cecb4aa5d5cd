package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A job's values travel as bytes that Canopy decodes itself, within bounds (see
 * {@code DecodeBounds}): a task's result past them fails its job with a message naming the bound,
 * quickly, and the grid goes on running other jobs. A deep value within them arrives whole.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DecodeBombTest extends GridTestSupport {

    @Test
    void whenATaskReturnsANestedSetBomb_thenItsJobFailsNamingTheDepthBoundAndTheNextJobRuns() {
        // given
        List<GridNode> nodes = startCluster(2);
        Job<Object, List<Object>> bomb = Job.<Object>range(0, 1, (i, ctx) -> Bombs.nestedSets(100))
                .reduce(Reducers.toList()).name("bomb").build();

        // when
        JobHandle<List<Object>> handle = nodes.get(0).submit(bomb);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertJobFailed(failure, "job", 0);
        assertEquals("job " + handle.id() + " ('bomb') failed: a partial result sent to the driver of sub-job 0"
                + " could not be decoded: depth 21 exceeds the bound 20 (a value nested that deep is refused as a"
                + " possible deserialization bomb)", failed.getMessage());
        assertEquals(499_500L, await(nodes.get(1).submit(
                Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build()).result()));
    }

    @Test
    void whenAJobsSpecHoldsANestedSetBomb_thenTheMemberRefusesToReadItAndTheNextJobRuns() {
        // given: the probe, a hundred levels of nested sets (about 3.5 KB), captured by a task
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults().shipCode(false));
        Set<Object> bomb = Bombs.nestedSets(100);
        Job<Long, Long> job = Job.<Long>range(0, 10, (i, ctx) -> (long) bomb.size())
                .reduce(Reducers.sumLong()).name("bomb-spec").build();

        // when
        JobHandle<Long> handle = client.submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertJobFailed(failure, "job", 0);
        assertEquals("job " + handle.id() + " ('bomb-spec') failed: member <id> cannot read its spec: depth 21 exceeds"
                + " the bound 20 (a value nested that deep is refused as a possible deserialization bomb)",
                failed.getMessage().replaceFirst("member [0-9a-f-]{36} ", "member <id> "));
        assertEquals(499_500L, await(client.submit(
                Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build()).result()));
    }

    @Test
    void whenATaskReturnsAChainOfLinksUpToTheDepthBound_thenTheClientReadsItWhole() {
        // given: 19 links in the result's list, nested 20 deep, the bound
        startCluster(2);
        GridClient client = cluster().startClient(GridClientConfig.defaults());
        Job<Bombs.Link, List<Bombs.Link>> chain = Job.<Bombs.Link>range(0, 1, (i, ctx) -> Bombs.chain(19))
                .reduce(Reducers.toList()).name("chain").build();

        // when
        List<Bombs.Link> read = await(client.submit(chain).result());

        // then
        assertEquals(1, read.size());
        assertEquals(19L * 20 / 2, read.get(0).sum());
    }
}
