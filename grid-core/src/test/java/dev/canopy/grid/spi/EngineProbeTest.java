package dev.canopy.grid.spi;

import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TestTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EngineProbe} reads the counters of the engine on the member it is given. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EngineProbeTest extends GridTestSupport {

    @Test
    void whenJobSpreadOverMembers_thenTheirEnginesCountedTheMessages() {
        // given
        List<GridNode> nodes = startCluster(2);

        // when: enough leaves that the top driver hands some to the other member
        JobHandle<Long> handle = nodes.get(0).submit(Job.range(0, 10_000, (i, ctx) -> i)
                .reduce(Reducers.sumLong()).leafSize(100).build());
        assertEquals(TestTasks.sumBelow(10_000), await(handle.result()));

        // then
        long sent = 0;
        long bytes = 0;
        for (GridNode node : nodes) {
            EngineProbe.MessageCounters c = EngineProbe.messageCounters(node.hazelcast()).orElseThrow();
            sent += c.sent();
            bytes += c.bytesSent();
        }
        assertTrue(sent > 0, "messages sent: " + sent);
        assertTrue(bytes >= sent, "bytes sent: " + bytes + " for " + sent + " messages");
    }
}
