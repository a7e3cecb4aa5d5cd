package dev.canopy.examples;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.examples.Example.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded example starts a real member (on loopback); every test gets its own cluster name. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EmbeddedExampleTest {

    private final String clusterName = EmbeddedExample.CLUSTER_PREFIX + "test-" + UUID.randomUUID();

    @AfterEach
    void terminateLeftovers() {
        for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
            if (clusterName.equals(hz.getConfig().getClusterName())) {
                hz.getLifecycleService().terminate();
            }
        }
    }

    @Test
    void whenServiceAttachesCanopy_thenKeyedJobSumsItsOrdersAndHazelcastOutlivesTheGridNode() throws Exception {
        // given
        long expected = EmbeddedExample.orders().entrySet().stream()
                .filter(e -> e.getKey() % 3 == 0)
                .mapToLong(e -> e.getValue())
                .sum();
        Output out = new Output();

        // when: the grid argument is ignored
        Result result = new EmbeddedExample(clusterName).run(null, List.of(), out.stream());

        // then
        assertTrue(result.ok(), result.summary() + "\n" + out.text());
        assertEquals(String.format("keyed job over 3,333 orders: %,d cents (expected %,d); Hazelcast still running"
                + " after the GridNode closed", expected, expected), result.summary());
        assertTrue(out.text().contains("after GridNode.close() the service's Hazelcast is still running"), out.text());
        assertTrue(Hazelcast.getAllHazelcastInstances().stream()
                .noneMatch(hz -> clusterName.equals(hz.getConfig().getClusterName())),
                "the example shuts its member down");
    }
}
