package dev.canopy.grid.internal.engine;

import dev.canopy.grid.GridConfig;
import dev.canopy.grid.LogCapture;
import dev.canopy.grid.internal.trust.ClusterKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The loud default: a node that binds beyond loopback without a cluster key says so at start. Tests
 * bind only loopback, so the decision is tested here, and the WARN through the call
 * {@code GridNode.start} makes before it starts Hazelcast.
 */
class NodeBootstrapTest {

    private static final String WARNING = "This Canopy node binds to 10.0.0.5 without a cluster key: anyone who"
            + " reaches its port can run code on it; set clusterKeyFile or CANOPY_CLUSTER_KEY (see README, Security)";

    @Test
    void whenNodeBindsBeyondLoopbackWithoutKey_thenItWarnsNamingTheKeyToSet() {
        // given
        GridConfig config = GridConfig.defaults().bindAddress("10.0.0.5");

        // when
        List<String> lines;
        try (LogCapture log = new LogCapture()) {
            NodeBootstrap.warnIfExposed(config, ClusterKey.none());
            lines = log.linesFrom("This Canopy node binds to");
        }

        // then
        assertEquals(List.of(WARNING), lines);
    }

    @Test
    void whenNodeHasKeyOrBindsLoopback_thenNoWarning() {
        // given / when / then
        assertNull(NodeBootstrap.exposedWithoutKey("10.0.0.5", true));
        for (String loopback : List.of("127.0.0.1", "127.0.0.*", "localhost", "::1", " 127.0.1.1 ")) {
            assertNull(NodeBootstrap.exposedWithoutKey(loopback, false), loopback);
        }
        assertEquals(WARNING, NodeBootstrap.exposedWithoutKey("10.0.0.5", false));
        assertEquals(WARNING.replace("10.0.0.5", "0.0.0.0"), NodeBootstrap.exposedWithoutKey("0.0.0.0", false));
    }

    @Test
    void whenNodeJoinsOtherMachinesWithoutMinClusterSize_thenItWarnsThatBothSidesOfASplitWouldRun() {
        // given / when / then
        assertEquals("This Canopy node joins 3 listed members with minClusterSize 0: if the network splits, both sides"
                + " run the same jobs and may each report a result; set minClusterSize to a majority of the members"
                + " (see README, Running a cluster across machines)", NodeBootstrap.splitUnsafe("10.0.0.5", 3, 0));
        assertNull(NodeBootstrap.splitUnsafe("10.0.0.5", 3, 2), "a majority is set");
        assertNull(NodeBootstrap.splitUnsafe("10.0.0.5", 1, 0), "one member listed: nothing to split from");
        assertNull(NodeBootstrap.splitUnsafe("127.0.0.1", 3, 0), "one machine");
    }
}
