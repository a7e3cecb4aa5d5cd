package dev.canopy.grid.internal.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker pool without a cluster: the order leaves run in, which queued leaves a thief takes,
 * and how a waiting task lends its thread. A gate task holds a one-thread pool's worker while the
 * test queues leaves, so the order they run in is the queue's alone.
 */
class WorkerPoolTest {

    private static final long TIMEOUT_SECONDS = 10;

    private final List<WorkerPool> pools = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();

    @AfterEach
    void closePools() {
        pools.forEach(WorkerPool::close);
    }

    @Test
    void whenPrioritiesDiffer_thenHigherPriorityRunsFirst() throws InterruptedException {
        // given
        WorkerPool pool = startedPool(1);

        // when
        List<String> order = runWhileHeld(pool, new Queued("low", 0, "low"), new Queued("high", 5, "high"),
                new Queued("lowest", -3, "lowest"), new Queued("higher", 9, "higher"));

        // then
        assertEquals(List.of("higher", "high", "low", "lowest"), order);
    }

    @Test
    void whenJobsShareAPriority_thenTheyTakeTurns() throws InterruptedException {
        // given
        WorkerPool pool = startedPool(1);

        // when: job a queues three leaves, then job b two
        List<String> order = runWhileHeld(pool, new Queued("a", 0, "a1"), new Queued("a", 0, "a2"),
                new Queued("a", 0, "a3"), new Queued("b", 0, "b1"), new Queued("b", 0, "b2"));

        // then
        assertEquals(List.of("a1", "b1", "a2", "b2", "a3"), order);
    }

    @Test
    void whenANewJobArrivesBehindABacklog_thenItsFirstLeafRunsNext() throws InterruptedException {
        // given: job a has run one leaf
        WorkerPool pool = startedPool(1);
        CountDownLatch firstRan = new CountDownLatch(1);
        pool.submit("a", 0, record("a1", firstRan));
        assertTrue(firstRan.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));

        // when: job a queues three more, then job b its first
        List<String> order = runWhileHeld(pool, new Queued("a", 0, "a2"), new Queued("a", 0, "a3"),
                new Queued("a", 0, "a4"), new Queued("b", 0, "b1"));

        // then: b's first leaf ranks 0, ahead of a's second, which ranks 1 (a's first took rank 0)
        assertEquals(List.of("a1", "b1", "a2", "a3", "a4"), order);
    }

    @Test
    void whenPriorityAndTurnTie_thenLeavesRunInArrivalOrder() throws InterruptedException {
        // given
        WorkerPool pool = startedPool(1);

        // when: three jobs' first leaves
        List<String> order = runWhileHeld(pool, new Queued("z", 1, "z1"), new Queued("x", 1, "x1"),
                new Queued("y", 1, "y1"));

        // then
        assertEquals(List.of("z1", "x1", "y1"), order);
    }

    @Test
    void whenPriorityIsTheLowestInt_thenItRunsLast() throws InterruptedException {
        // given
        WorkerPool pool = startedPool(1);

        // when
        List<String> order = runWhileHeld(pool, new Queued("lowest", Integer.MIN_VALUE, "lowest"),
                new Queued("normal", 0, "normal"));

        // then
        assertEquals(List.of("normal", "lowest"), order);
    }

    @Test
    void whenTakingQueued_thenMovableLeavesGoFromTheBackAndTheOthersKeepTheirPlaces() throws InterruptedException {
        // given: five queued leaves of one job, the pool not started
        WorkerPool pool = pool(1);
        CountDownLatch done = new CountDownLatch(3);
        List<Runnable> leaves = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leaves.add(record("r" + i, done));
            pool.submit("a", 0, leaves.get(i));
        }

        // when: two of those other than r2 and r4 are taken
        List<Runnable> taken = pool.takeQueued(2, leaf -> leaf != leaves.get(2) && leaf != leaves.get(4));

        // then: r3 and r1, last first; r0, r2 and r4 still run, in their order
        assertEquals(List.of(leaves.get(3), leaves.get(1)), taken);
        assertEquals(3, pool.queued());
        pool.start();
        assertTrue(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("r0", "r2", "r4"), List.copyOf(ran));
    }

    @Test
    void whenTakingQueued_thenTheBackIsWhatWouldRunLastNotWhatArrivedLast() {
        // given: two low-priority leaves, then a high-priority one
        WorkerPool pool = pool(1);
        Runnable low1 = () -> { };
        Runnable low2 = () -> { };
        Runnable high = () -> { };
        pool.submit("low", 0, low1);
        pool.submit("low", 0, low2);
        pool.submit("high", 7, high);

        // when
        List<Runnable> taken = pool.takeQueued(1, leaf -> true);

        // then
        assertEquals(List.of(low2), taken);
        assertEquals(2, pool.queued());
    }

    @Test
    void whenFewerLeavesAreMovableThanAsked_thenAllMovableAreTaken() {
        // given
        WorkerPool pool = pool(2);
        Runnable movable = () -> { };
        Runnable pinned = () -> { };
        pool.submit("a", 0, pinned);
        pool.submit("a", 0, movable);
        pool.submit("b", 0, pinned);

        // when
        List<Runnable> taken = pool.takeQueued(Integer.MAX_VALUE, leaf -> leaf == movable);

        // then
        assertEquals(List.of(movable), taken);
        assertEquals(2, pool.queued());
    }

    @Test
    void whenATaskBlocksOnAOneThreadPool_thenAQueuedTaskRunsMeanwhile() throws InterruptedException {
        // given: the first task waits for the second, which is queued behind it on the only worker
        WorkerPool pool = pool(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        AtomicInteger firstSawSecond = new AtomicInteger();
        pool.submit("outer", 0, () -> {
            try {
                if (pool.block(() -> secondRan.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))) {
                    firstSawSecond.incrementAndGet();
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            ran.add("outer on " + Thread.currentThread().getName());
            firstDone.countDown();
        });
        pool.submit("inner", 0, () -> {
            ran.add("inner on " + Thread.currentThread().getName());
            secondRan.countDown();
        });

        // when
        pool.start();

        // then: the second ran on a thread lent while the first waited
        assertTrue(firstDone.await(2 * TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, firstSawSecond.get());
        assertEquals(List.of("inner on test-worker-2", "outer on test-worker-1"), List.copyOf(ran));
    }

    @Test
    void whenWaitsNestDeeperThanThePool_thenEveryLevelFinishes() throws InterruptedException {
        // given: level i queues level i + 1 and waits for it; the deepest level just finishes
        WorkerPool pool = startedPool(1);
        int depth = 4;
        CountDownLatch[] finished = new CountDownLatch[depth];
        for (int i = 0; i < depth; i++) {
            finished[i] = new CountDownLatch(1);
        }
        AtomicInteger timedOut = new AtomicInteger();

        // when
        pool.submit("level-0", 0, level(pool, 0, finished, timedOut));

        // then
        assertTrue(finished[0].await(2 * TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, timedOut.get());
    }

    @Test
    void whenWorkersAreHeldOrLeavesQueued_thenIdleCountsTheRest() throws InterruptedException {
        // given
        WorkerPool pool = startedPool(2);
        assertEquals(2, pool.idle());

        // when: one worker is held
        CountDownLatch release = hold(pool);

        // then
        assertEquals(1, pool.idle());
        assertEquals(1, pool.busy());

        // when: the other is held too, and a leaf waits
        CountDownLatch releaseOther = hold(pool);
        pool.submit("a", 0, () -> { });

        // then
        assertEquals(0, pool.idle());
        assertEquals(1, pool.queued());
        release.countDown();
        releaseOther.countDown();
    }

    @Test
    void whenClosed_thenQueuedLeavesAreDropped() {
        // given
        WorkerPool pool = pool(1);
        pool.submit("a", 0, () -> { });
        pool.submit("b", 0, () -> { });

        // when
        pool.close();

        // then
        assertEquals(0, pool.queued());
        assertEquals(List.of(), pool.takeQueued(Integer.MAX_VALUE, leaf -> true));
    }

    private Runnable level(WorkerPool pool, int i, CountDownLatch[] finished, AtomicInteger timedOut) {
        return () -> {
            if (i + 1 < finished.length) {
                pool.submit("level-" + (i + 1), 0, level(pool, i + 1, finished, timedOut));
                try {
                    if (!pool.block(() -> finished[i + 1].await(TIMEOUT_SECONDS, TimeUnit.SECONDS))) {
                        timedOut.incrementAndGet();
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    timedOut.incrementAndGet();
                }
            }
            finished[i].countDown();
        };
    }

    private WorkerPool pool(int threads) {
        WorkerPool pool = new WorkerPool("test-worker", threads, () -> { });
        pools.add(pool);
        return pool;
    }

    private WorkerPool startedPool(int threads) {
        WorkerPool pool = pool(threads);
        pool.start();
        return pool;
    }

    /** A leaf to queue: the job it is of, the job's priority, and the name it records when it runs. */
    private record Queued(String job, int priority, String name) {
    }

    /**
     * Holds the only worker of a started one-thread pool while it queues {@code leaves}, in the order
     * given, then releases it; returns every name recorded once those leaves ran, in the order they ran.
     */
    private List<String> runWhileHeld(WorkerPool pool, Queued... leaves) throws InterruptedException {
        CountDownLatch release = hold(pool);
        CountDownLatch done = new CountDownLatch(leaves.length);
        for (Queued leaf : leaves) {
            pool.submit(leaf.job(), leaf.priority(), record(leaf.name(), done));
        }
        release.countDown();
        assertTrue(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return List.copyOf(ran);
    }

    /** Occupies one worker of a started pool until the returned latch is released. */
    private static CountDownLatch hold(WorkerPool pool) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit("gate-" + System.identityHashCode(release), Integer.MAX_VALUE, () -> {
            started.countDown();
            try {
                release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return release;
    }

    private Runnable record(String name, CountDownLatch done) {
        return () -> {
            ran.add(name);
            done.countDown();
        };
    }
}
