package dev.canopy.grid.internal.access;

import com.hazelcast.internal.util.ConcurrencyUtil;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Hazelcast runs the completions of its async calls ({@code setAsync}, {@code putAllAsync},
 * {@code submitToKey}): on its default async executor, which is the common {@link ForkJoinPool},
 * or, when that pool has a single thread (machines with two cores or fewer), a new thread for each
 * completion, as {@link java.util.concurrent.CompletableFuture} does. The engine makes a few such
 * calls per sub-job, and a thread start costs more than the call: profiles on two cores showed a
 * tenth of the CPU in starting and ending those threads. On such machines this installs, once per
 * JVM, a cached pool of reusable daemon threads in its place (the same never-blocking behaviour,
 * without the thread starts); elsewhere it changes nothing.
 */
final class AsyncCallbacks {

    private static boolean installed;

    private AsyncCallbacks() {
    }

    static synchronized void installWhereNeeded() {
        if (installed || ForkJoinPool.getCommonPoolParallelism() > 1) {
            return;
        }
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
            Thread t = new Thread(runnable, "canopy-hz-callback-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ConcurrencyUtil.setDefaultAsyncExecutor(pool);
        installed = true;
    }
}
