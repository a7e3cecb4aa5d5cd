package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.access.ManagedBlocking;
import dev.canopy.grid.spi.TaskThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Stuck threads: a thread whose task ignores the interrupt of a cancelled job is
 * {@linkplain #abandon abandoned}: it no longer counts as one of the pool's threads, so a new one
 * takes its place at once, and it ends (without taking more work) if its task ever returns. Java
 * cannot stop a thread safely, so an abandoned thread lives on until then; {@link #stuck()} counts
 * them.
 */
final class WorkerPool implements ManagedBlocking.Pool {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    /** How long an idle worker waits before it calls the idle hook (which may steal work). */
    private static final long IDLE_POLL_MILLIS = 50;

    private final String name;
    /** Holds every worker thread, and so every thread a task starts: see {@link TaskThreads}. */
    private final ThreadGroup group = new ThreadGroup(TaskThreads.GROUP_NAME);
    private final int threads;
    private final PriorityBlockingQueue<Queued> queue = new PriorityBlockingQueue<>(64,
            // higher priority first: compared, not negated, as -Integer.MIN_VALUE is Integer.MIN_VALUE
            Comparator.comparingInt((Queued q) -> q.priority).reversed().thenComparingLong(q -> q.rank)
                    .thenComparingLong(q -> q.seq));
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();
    /** Abandoned threads still running their task: no longer counted in {@link #live} or {@link #busy}. */
    private final Set<Thread> abandoned = ConcurrentHashMap.newKeySet();
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

    /** Threads abandoned to a task that ignored its cancel, and still running it. */
    int stuck() {
        return abandoned.size();
    }

    /**
     * Gives up on {@code thread}, stuck in the task of a cancelled job: a new thread takes its
     * place, and the stuck one ends if its task ever returns. The caller makes sure the thread is
     * one of this pool's and still runs the leaf (see {@link LeafRun#abandonIfRunning}). False when
     * it was abandoned already.
     */
    boolean abandon(Thread thread) {
        synchronized (lock) {
            if (!abandoned.add(thread)) {
                return false;
            }
            live--;
            busy.decrementAndGet();
            if (!closed) {
                spawn();
            }
            return true;
        }
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
        Thread t = new Thread(group, this::work, name + "-" + (++started));
        t.setDaemon(true);
        t.start();
    }

    private void work() {
        ManagedBlocking.enter(this);
        boolean wasAbandoned = false;
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
                if (runAndTellIfAbandoned(next)) {
                    wasAbandoned = true;
                    LOG.info("Worker thread {}, abandoned to a task that ignored its cancel, is free again and ends",
                            Thread.currentThread().getName());
                    return;
                }
                // an interrupt meant for a cancelled job's task must not reach the next leaf
                Thread.interrupted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!wasAbandoned) {
                synchronized (lock) {
                    live--;
                }
            }
            ManagedBlocking.leave();
        }
    }

    /** Runs one leaf; true when this thread was abandoned meanwhile (it was counted out then). */
    private boolean runAndTellIfAbandoned(Queued next) {
        busy.incrementAndGet();
        try {
            next.leaf.run();
        } catch (Throwable t) {
            // a leaf reports its own failures to its job (LeafRun.run): what arrives here broke that
            // reporting itself
            LOG.error("A leaf of job {} failed outside its tasks", next.jobId, t);
        }
        synchronized (lock) {
            if (abandoned.remove(Thread.currentThread())) {
                return true;
            }
            busy.decrementAndGet();
            return false;
        }
    }

}
