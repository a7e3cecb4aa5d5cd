package dev.canopy.node;

import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedClusterTest {

    @Test
    void whenTwoClustersStart_thenEachFormsAloneOnLoopbackWithItsOwnName() throws Exception {
        GridConfig base = GridConfig.defaults().workerThreads(1);
        try (EmbeddedCluster a = EmbeddedCluster.start(2, base);
             EmbeddedCluster b = EmbeddedCluster.start(1, base)) {

            assertNotEquals(a.clusterName(), b.clusterName());
            for (GridNode node : a.nodes()) {
                assertEquals(2, node.hazelcast().getCluster().getMembers().size());
            }
            assertEquals(1, b.nodes().get(0).hazelcast().getCluster().getMembers().size());
            for (String address : a.addresses()) {
                assertTrue(address.startsWith("127.0.0.1:"), address);
                assertFalse(b.addresses().contains(address), address);
            }
            long sum = a.nodes().get(1).submit(Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build())
                    .result().get(1, TimeUnit.MINUTES);
            assertEquals(999L * 1_000 / 2, sum);
        }
    }

    @Test
    void whenClosed_thenEveryMemberHasStoppedAndCloseIsIdempotent() {
        EmbeddedCluster cluster = EmbeddedCluster.start(2, GridConfig.defaults().workerThreads(1));
        List<GridNode> nodes = cluster.nodes();

        cluster.close();
        cluster.close();

        for (GridNode node : nodes) {
            assertFalse(node.hazelcast().getLifecycleService().isRunning());
        }
        assertTrue(cluster.runningNodes().isEmpty());
    }

    @Test
    void whenANodeIsTerminatedAndAnotherAdded_thenTheNewOneJoinsTheSurvivors() {
        try (EmbeddedCluster cluster = EmbeddedCluster.start(2, GridConfig.defaults().workerThreads(1))) {
            cluster.nodes().get(0).hazelcast().getLifecycleService().terminate();

            GridNode added = cluster.addNode();

            assertEquals(2, cluster.runningNodes().size());
            assertEquals(2, added.hazelcast().getCluster().getMembers().size());
            assertEquals(cluster.clusterName(), added.hazelcast().getConfig().getClusterName());
        }
    }

    @Test
    void whenNoNodesAreAsked_thenIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedCluster.start(0, GridConfig.defaults()));
        assertEquals("nodes must be >= 1 but was 0", e.getMessage());
    }
}
