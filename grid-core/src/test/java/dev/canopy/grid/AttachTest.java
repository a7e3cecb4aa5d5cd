package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One engine per Hazelcast member: a second {@link GridNode#attach} is refused, and the first keeps working. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AttachTest extends GridTestSupport {

    @Test
    void whenNodeIsAttachedTwiceToOneMember_thenTheSecondIsRefusedAndTheFirstStillRunsJobs() {
        // given: two members, each with a node attached
        List<GridNode> nodes = startCluster(2);
        GridNode first = nodes.get(0);

        // when: another node is attached to the first member
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> GridNode.attach(first.hazelcast(), GridConfig.defaults()));

        // then: it is refused with the fix, and the first node still runs jobs
        assertTrue(refused.getMessage().contains("runs a Canopy engine already"), refused.getMessage());
        assertTrue(refused.getMessage().contains("one GridNode per member"), refused.getMessage());
        long sum = await(first.submit(Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build()).result());
        assertEquals(499_500L, sum);
    }
}
