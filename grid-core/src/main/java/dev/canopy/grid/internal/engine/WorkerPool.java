package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.access.ManagedBlocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The member's worker threads, which run leaves.
 *
 * <p>Order: higher job priority first; within a priority, jobs take turns (a job's n-th queued leaf
 * ranks n, so a new job does not wait behind an old job's whole backlog); then arrival order.
 *
 * <p>Nested jobs: a task that waits for a job's result calls {@link #block} (through
 * {@link ManagedBlocking}, which the pool registers on its threads), which lets one more
 * thread run while it waits, as ForkJoinPool's managed blocking does. So the number of threads
 * running leaves stays at {@code threads} however deep jobs nest, and a chain of nested jobs deeper
 * than the pool cannot deadlock. Surplus threads retire when the waits end.
 */
final class WorkerPool implements ManagedBlocking.Pool {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /** How long an idle worker waits before it calls the idle hook (which may steal work). */
    private static final long IDLE_POLL_MILLIS = 50;

    private final String name;
    private final int threads;
    private final PriorityBlockingQueue<Queued> queue = new PriorityBlockingQueue<>(64,
            // higher priority first: compared, not negated, as -Integer.MIN_VALUE is Integer.MIN_VALUE
            Comparator.comparingInt((Queued q) -> q.priority).reversed().thenComparingLong(q -> q.rank)
                    .thenComparingLong(q -> q.seq));
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();
    private final Object lock = new Object();
    private int live;
    private int blocked;
    private int started;
    private volatile boolean closed;
    private final Runnable onIdle;

    private record Queued(int priority, long rank, long seq, String jobId, Runnable leaf) {
    }

    /**
     * Removes up to {@code max} queued leaves that {@code movable} accepts, from the back of the
     * queue (the ones that would run last). The others keep their places, so a leaf that cannot
     * move is never the one every later call finds first.
     */
    List<Runnable> takeQueued(int max, Predicate<Runnable> movable) {
        List<Queued> all = new ArrayList<>();
        queue.drainTo(all);
        all.sort(queue.comparator());
        List<Runnable> taken = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && taken.size() < max; i--) {
            if (movable.test(all.get(i).leaf)) {
                taken.add(all.remove(i).leaf);
            }
        }
        queue.addAll(all);
        return taken;
    }

    /** Worker threads with nothing to run. */
    int idle() {
        return Math.max(0, threads - busy.get() - queue.size());
    }

    WorkerPool(String name, int threads, Runnable onIdle) {
        this.name = name;
        this.threads = threads;
        this.onIdle = onIdle;
    }

    /** Starts the worker threads; leaves submitted before wait for them. */
    void start() {
        synchronized (lock) {
            for (int i = 0; i < threads; i++) {
                spawn();
            }
        }
    }

    void submit(String jobId, int priority, Runnable leaf) {
        long rank = turns.computeIfAbsent(jobId, id -> new AtomicLong()).getAndIncrement();
        queue.add(new Queued(priority, rank, seq.getAndIncrement(), jobId, leaf));
    }

    /** Forgets a finished job's turn counter. */
    void forget(String jobId) {
        turns.remove(jobId);
    }

    int threads() {
        return threads;
    }

    int busy() {
        return busy.get();
    }

    int queued() {
        return queue.size();
    }

    /** Runs {@code waiting} while lending this worker's slot to a spare thread. */
    @Override
    public <T> T block(ManagedBlocking.Call<T> waiting) throws Exception {
        synchronized (lock) {
            blocked++;
            if (live - blocked < threads && !closed) {
                spawn();
            }
        }
        try {
            return waiting.call();
        } finally {
            synchronized (lock) {
                blocked--;
            }
        }
    }

    void close() {
        closed = true;
        queue.clear();
    }

    private void callIdleHook() {
        try {
            onIdle.run();
        } catch (RuntimeException e) {
            LOG.debug("The idle hook failed", e);
        }
    }

    private void spawn() {
        live++;
        Thread t = new Thread(this::work, name + "-" + (++started));
        t.setDaemon(true);
        t.start();
    }

    private void work() {
        ManagedBlocking.enter(this);
        try {
            while (!closed) {
                synchronized (lock) {
                    if (live - blocked > threads) {
                        return;
                    }
                }
                Queued next = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (next == null) {
                    callIdleHook();
                    continue;
                }
                busy.incrementAndGet();
                try {
                    next.leaf.run();
                } catch (Throwable t) {
                    // a leaf reports its own failures to its job (LeafRun.run): what arrives here was
                    // reported already (a VirtualMachineError, rethrown), or broke that reporting itself
                    LOG.error("A leaf of job {} failed outside its tasks", next.jobId, t);
                } finally {
                    busy.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lock) {
                live--;
            }
            ManagedBlocking.leave();
        }
    }
}
