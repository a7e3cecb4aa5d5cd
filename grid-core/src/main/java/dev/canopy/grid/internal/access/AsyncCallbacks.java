package dev.canopy.grid.internal.access;

import com.hazelcast.internal.util.ConcurrencyUtil;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Hazelcast runs the completions of its async calls ({@code setAsync}, {@code putAllAsync},
 * {@code submitToKey}): on its default async executor, which is the common {@link ForkJoinPool},
 * or, when that pool has a single thread (machines with two cores or fewer), a new thread for each
 * completion, as {@link java.util.concurrent.CompletableFuture} does. The engine makes a few such
 * calls per sub-job, and a thread start costs more than the call (docs/BENCHMARKS.md has the
 * profile). On such machines {@link #acquire} installs
 * a cached pool of reusable daemon threads in its place (the same never-blocking behaviour, without
 * the thread starts); elsewhere it changes nothing.
 *
 * <p>The setting is JVM-wide, so only nodes that Canopy starts itself take it, and only while the
 * node config's {@code tuneAsyncCallbacks} is on: never a client, never a node attached to a
 * service's own Hazelcast. The last node to {@link #release} it puts the previous executor back and
 * shuts the pool down.
 */
public final class AsyncCallbacks {

    private static int holders;
    private static Executor previous;
    private static ExecutorService pool;

    private AsyncCallbacks() {
    }

    /** Installs the pool where it helps; every call must be paired with one {@link #release()}. */
    public static synchronized void acquire() {
        holders++;
        if (pool != null || ForkJoinPool.getCommonPoolParallelism() > 1) {
            return;
        }
        AtomicInteger count = new AtomicInteger();
        pool = Executors.newCachedThreadPool(runnable -> {
            Thread t = new Thread(runnable, "canopy-hz-callback-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        previous = ConcurrencyUtil.getDefaultAsyncExecutor();
        ConcurrencyUtil.setDefaultAsyncExecutor(pool);
    }

    public static synchronized void release() {
        if (holders == 0 || --holders > 0 || pool == null) {
            return;
        }
        ConcurrencyUtil.setDefaultAsyncExecutor(previous);
        pool.shutdown();
        pool = null;
        previous = null;
    }

    /** True while Canopy's pool is Hazelcast's default async executor. */
    public static synchronized boolean isInstalled() {
        return pool != null;
    }
}
