package dev.canopy.grid.internal.access;

import com.hazelcast.map.IMap;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.GridTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On machines where the common ForkJoinPool has one thread, Hazelcast's async completions run on
 * a few reused threads of Canopy's pool, not on a new thread each (see {@link AsyncCallbacks}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AsyncCallbacksTest extends GridTestSupport {

    @Test
    void whenCommonPoolHasOneThread_thenHazelcastCompletesAsyncCallsOnReusedThreads() {
        assumeTrue(ForkJoinPool.getCommonPoolParallelism() <= 1,
                "only machines with two cores or fewer start a thread per callback");
        // given: a node, whose start installs the pool
        GridNode node = startCluster(2).get(0);
        IMap<String, String> map = node.hazelcast().getMap("callbacks-" + newRunId());

        // when: a hundred async writes, each observed by a callback registered before it completes
        Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            map.setAsync("key-" + i, "value").whenComplete((v, error) -> {
                callbackThreads.add(Thread.currentThread().getName());
                written.complete(null);
            });
            await(written);
        }

        // then: those that did not run on the caller ran on a handful of Canopy's reused threads
        callbackThreads.remove(Thread.currentThread().getName());
        assertTrue(callbackThreads.stream().allMatch(name -> name.startsWith("canopy-hz-callback-")),
                "threads of the callbacks: " + callbackThreads);
        assertTrue(callbackThreads.size() <= 10, "distinct callback threads for 100 calls: " + callbackThreads);
    }
}
