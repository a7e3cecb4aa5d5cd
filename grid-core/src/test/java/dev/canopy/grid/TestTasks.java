package dev.canopy.grid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Task bodies and probes shared by the tests. All members of a test cluster live in this JVM, so
 * tasks report what they saw through these static maps; every key starts with the test's run id
 * ({@link GridTestSupport#newRunId()}) so tests never see each other's counts.
 *
 * <p>Everything here is static: a task lambda that calls these methods captures only its own
 * (serializable) arguments.
 */
public final class TestTasks {

    /** How long a blocking test task waits at most before giving up on its own. */
    public static final long TASK_GIVE_UP_SECONDS = 30;

    private static final ConcurrentHashMap<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, List<UUID>> MEMBERS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Semaphore> SEMAPHORES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

    private TestTasks() {
    }

    // ------------------------------------------------------------------------------------ probes

    /** Adds one to the counter {@code key} and returns the new count. */
    public static int increment(String key) {
        return COUNTERS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    public static int count(String key) {
        AtomicInteger counter = COUNTERS.get(key);
        return counter == null ? 0 : counter.get();
    }

    /** Appends {@code member} to the list {@code key}, in call order. */
    public static void recordMember(String key, UUID member) {
        MEMBERS.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(member);
    }

    /** The members recorded under {@code key}, in call order. */
    public static List<UUID> members(String key) {
        List<UUID> list = MEMBERS.get(key);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** The run's semaphore, created with no permits on first use. */
    public static Semaphore semaphore(String run) {
        return SEMAPHORES.computeIfAbsent(run, k -> new Semaphore(0));
    }

    /** The run's latch, created with a count of one on first use. */
    public static CountDownLatch latch(String run) {
        return LATCHES.computeIfAbsent(run, k -> new CountDownLatch(1));
    }

    /** The member a task runs on. */
    public static UUID localMember(TaskContext ctx) {
        return ctx.hazelcast().getCluster().getLocalMember().getUuid();
    }

    // ------------------------------------------------------------------------------ task bodies

    /** A cheap task with a closed-form sum: {@code i % 1000}. */
    public static long mod1000(long i) {
        return i % 1000;
    }

    /** Sum of {@code i % 1000} for {@code i} in {@code [0, n)}. */
    public static long sumMod1000(long n) {
        long full = n / 1000;
        long rest = n % 1000;
        return full * (999L * 1000 / 2) + rest * (rest - 1) / 2;
    }

    /** Sum of {@code i} for {@code i} in {@code [0, n)}. */
    public static long sumBelow(long n) {
        return n * (n - 1) / 2;
    }

    /**
     * Returns {@code i}, counting its attempts under {@code run:i} and recording the member of each
     * attempt; throws on the first attempt when {@code failFirst}.
     */
    public static long failOnFirstAttempt(String run, long i, boolean failFirst, TaskContext ctx) {
        int attempt = increment(run + ":" + i);
        recordMember(run + ":" + i, localMember(ctx));
        if (failFirst && attempt == 1) {
            throw new IllegalStateException("first attempt of index " + i + " fails on purpose");
        }
        return i;
    }

    /** Returns {@code i}, but always throws {@code IllegalStateException("boom " + i)} when {@code fails}. */
    public static long alwaysFailWhen(String run, long i, boolean fails) {
        increment(run + ":" + i);
        if (fails) {
            throw new IllegalStateException("boom " + i);
        }
        return i;
    }

    /**
     * Runs until the job is cancelled (or {@link #TASK_GIVE_UP_SECONDS} pass): counts
     * {@code run:started}, then {@code run:observed} when it saw the cancellation, or
     * {@code run:ranOut} when it gave up.
     */
    public static long loopUntilCancelled(String run, TaskContext ctx) {
        increment(run + ":started");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TASK_GIVE_UP_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            if (ctx.isCancelled()) {
                increment(run + ":observed");
                return 0L;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        increment(run + ":ranOut");
        return 1L;
    }

    /** Counts {@code run:started}, takes a permit of the run's semaphore, counts {@code run:finished}; returns {@code i}. */
    public static long takePermit(String run, long i) throws InterruptedException {
        increment(run + ":started");
        semaphore(run).tryAcquire(TASK_GIVE_UP_SECONDS, TimeUnit.SECONDS);
        increment(run + ":finished");
        return i;
    }

    /** Waits for the run's latch (at most {@link #TASK_GIVE_UP_SECONDS}), then returns {@code i}. */
    public static long awaitLatch(String run, long i) throws InterruptedException {
        increment(run + ":started");
        latch(run).await(TASK_GIVE_UP_SECONDS, TimeUnit.SECONDS);
        return i;
    }
}
