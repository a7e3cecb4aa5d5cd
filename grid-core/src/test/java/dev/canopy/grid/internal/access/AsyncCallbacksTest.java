package dev.canopy.grid.internal.access;

import com.hazelcast.internal.util.ConcurrencyUtil;
import com.hazelcast.map.IMap;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Await;
import dev.canopy.grid.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On machines where the common ForkJoinPool has one thread, Hazelcast's async completions run on
 * a few reused threads of Canopy's pool, not on a new thread each (see {@link AsyncCallbacks}); but
 * only for nodes Canopy starts itself: a node attached to a service's own Hazelcast changes nothing
 * JVM-wide. It runs no other cluster: the test clusters take the pool themselves, as started nodes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AsyncCallbacksTest {

    @Test
    void whenCommonPoolHasOneThread_thenHazelcastCompletesAsyncCallsOnReusedThreads() throws IOException {
        assumeTrue(ForkJoinPool.getCommonPoolParallelism() <= 1,
                "only machines with two cores or fewer start a thread per callback");
        // given: a node Canopy starts itself, whose start installs the pool
        Executor before = ConcurrencyUtil.getDefaultAsyncExecutor();
        Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
        try (GridNode node = GridNode.start(loopbackConfig())) {
            IMap<String, String> map = node.hazelcast().getMap("callbacks-" + UUID.randomUUID());

            // when: a hundred async writes, each observed by a callback registered before it completes
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Void> written = new CompletableFuture<>();
                map.setAsync("key-" + i, "value").whenComplete((v, error) -> {
                    callbackThreads.add(Thread.currentThread().getName());
                    written.complete(null);
                });
                Await.awaitResult(written, Await.WAIT);
            }
        }

        // then: those that did not run on the caller ran on a handful of Canopy's reused threads,
        // and the node's close put Hazelcast's own executor back
        callbackThreads.remove(Thread.currentThread().getName());
        assertTrue(callbackThreads.stream().allMatch(name -> name.startsWith("canopy-hz-callback-")),
                "threads of the callbacks: " + callbackThreads);
        assertTrue(callbackThreads.size() <= 10, "distinct callback threads for 100 calls: " + callbackThreads);
        assertSame(before, ConcurrencyUtil.getDefaultAsyncExecutor(), "Hazelcast's async executor after the close");
    }

    @Test
    void whenTuneAsyncCallbacksIsOff_thenAStartedNodeLeavesHazelcastsExecutor() throws IOException {
        // given: Hazelcast's async executor before any Canopy node
        Executor before = ConcurrencyUtil.getDefaultAsyncExecutor();

        // when: a node Canopy starts itself, told not to tune the callbacks
        try (GridNode node = GridNode.start(loopbackConfig().tuneAsyncCallbacks(false))) {

            // then: the executor is the same while it runs
            assertSame(before, ConcurrencyUtil.getDefaultAsyncExecutor(), "Hazelcast's async executor under " + node);
            assertFalse(AsyncCallbacks.isInstalled(), "Canopy's callback pool installed");
        }
    }

    @Test
    void whenNodeIsAttachedToAServicesHazelcast_thenNoJvmWideSettingChanges() {
        // given: Hazelcast's async executor before any Canopy node, and members a service started itself
        try (TestCluster service = new TestCluster("callbacks-service", false)) {
            Executor before = ConcurrencyUtil.getDefaultAsyncExecutor();

            // when: nodes attach to them
            List<GridNode> nodes = service.start(2, () -> service.startMember(GridConfig.defaults().workerThreads(2)));

            // then: the executor is the same, and Canopy's pool is not installed
            assertSame(before, ConcurrencyUtil.getDefaultAsyncExecutor(), "Hazelcast's async executor");
            assertFalse(AsyncCallbacks.isInstalled(),
                    "Canopy's callback pool installed by " + nodes.size() + " attached nodes");
        }
    }

    /** A standalone member on loopback, alone in a cluster of its own, on a free port. */
    private static GridConfig loopbackConfig() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return GridConfig.defaults().clusterName("callbacks-" + UUID.randomUUID()).bindAddress("127.0.0.1")
                .port(port).portAutoIncrement(true).members(List.of("127.0.0.1:" + port)).workerThreads(2);
    }
}
