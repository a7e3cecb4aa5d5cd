package dev.canopy.grid;

import com.hazelcast.map.IMap;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A careless or hostile task costs its own job, never the grid: errors fail (or retry) the task,
 * a task that ignores its cancel gives its thread back to the pool, an oversized value fails its
 * job naming its size, and a member that leaves mid-leaf counts an attempt of its tasks.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadTaskTest extends GridTestSupport {

    /** Per run: lets the stubborn tasks return. */
    private static final Map<String, CountDownLatch> RELEASES = new ConcurrentHashMap<>();
    /** Per run: counted down by each of two tasks that must run at the same time. */
    private static final Map<String, CountDownLatch> MEETINGS = new ConcurrentHashMap<>();

    @Test
    void whenCancelledTasksIgnoreTheInterrupt_thenTheirThreadsAreReplacedAndCountedStuck() {
        // given: one member with two workers, both taken by tasks that ignore every interrupt
        GridNode node = startMembers(1, GridConfig.defaults().workerThreads(2).cancelGrace(Duration.ofMillis(300)))
                .get(0);
        String run = newRunId();
        Job<Long, Long> stubborn = Job.range(0, 2, (i, ctx) -> ignoreInterrupts(run)).reduce(Reducers.sumLong())
                .leafSize(1).timeout(Duration.ofMillis(500)).build();

        // when: their job times out
        Throwable timedOut = awaitFailure(node.submit(stubborn).result());

        // then: both threads are abandoned and counted, and two new ones run a job that needs both at once
        assertInstanceOf(CancellationException.class, timedOut);
        awaitTrue("two stuck workers counted", () -> stuckGauge(node) == 2.0);
        assertTrue(TestTasks.count(run + ":interrupted") >= 2, "each stubborn task was interrupted first");
        String together = newRunId();
        long both = await(node.submit(Job.range(0, 2, (i, ctx) -> meetBoth(together)).reduce(Reducers.sumLong())
                .leafSize(1).build()).result());
        assertEquals(2, both, "two tasks ran at the same time on the two new threads");

        // and: once the stubborn tasks return, their threads end and are no longer counted
        RELEASES.computeIfAbsent(run, r -> new CountDownLatch(1)).countDown();
        awaitTrue("no stuck workers left", () -> stuckGauge(node) == 0.0);
        assertEquals(2, TestTasks.count(run + ":returned"));
    }

    @Test
    void whenTimedOutTasksSleepForEver_thenTheInterruptFreesTheirWorkers() {
        // given: one member with two workers, and a grace long enough never to be the reason
        GridNode node = startMembers(1, GridConfig.defaults().workerThreads(2).cancelGrace(Duration.ofMinutes(5)))
                .get(0);
        Job<Long, Long> sleepers = Job.range(0, 2, (i, ctx) -> sleepForEver()).reduce(Reducers.sumLong())
                .leafSize(1).timeout(Duration.ofMillis(300)).build();

        // when: five such jobs time out, one after the other
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(CancellationException.class, awaitFailure(node.submit(sleepers).result()));
        }

        // then: both workers are free, none was abandoned
        String together = newRunId();
        assertEquals(2L, await(node.submit(Job.range(0, 2, (i, ctx) -> meetBoth(together)).reduce(Reducers.sumLong())
                .leafSize(1).build()).result()));
        assertEquals(0.0, stuckGauge(node));
    }

    @Test
    void whenTaskThrowsOutOfMemoryErrorThatExhaustsNothing_thenOnlyTheTaskFailsAndMembersGoOn() {
        // given: index 3 asks for an array larger than the VM allows, a real OutOfMemoryError
        List<GridNode> nodes = startCluster(2);
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> i == 3 ? hugeArray() : i).reduce(Reducers.sumLong())
                .maxAttempts(2).leafSize(5).build();

        // when
        Throwable failure = awaitFailure(nodes.get(0).submit(job).result());

        // then: the task failed after its two attempts, the error is its cause, and no member is impaired
        JobFailedException failed = assertJobFailed(failure, "index 3", 2);
        OutOfMemoryError cause = assertInstanceOf(OutOfMemoryError.class, failed.getCause());
        assertEquals("Requested array size exceeds VM limit", cause.getMessage());
        for (GridNode node : nodes) {
            assertEquals(Optional.empty(), node.fatalError(), "member " + node.memberId() + " goes on");
        }
        assertEquals(45L, await(nodes.get(1).submit(Job.range(0, 10, (i, ctx) -> i).reduce(Reducers.sumLong())
                .build()).result()), "the members still run jobs");
    }

    @Test
    void whenTaskThrowsAnErrorOnce_thenItIsRetriedAndTheJobCompletes() {
        // given: index 5 throws an OutOfMemoryError of its own making on its first attempt
        List<GridNode> nodes = startCluster(2);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> throwOnFirstAttempt(run, i, i == 5))
                .reduce(Reducers.sumLong()).leafSize(5).build();

        // when
        long sum = await(nodes.get(0).submit(job).result());

        // then
        assertEquals(45, sum);
        assertEquals(2, TestTasks.count(run + ":5"), "index 5 ran twice");
        assertEquals(Optional.empty(), nodes.get(0).fatalError());
    }

    @Test
    void whenReducerThrowsAnError_thenJobFailsNamingTheReducer() {
        // given: a reducer whose combine throws an AssertionError
        List<GridNode> nodes = startCluster(2);
        Reducer<Long, Long> broken = Reducers.<Long, Long>of(() -> 0L, Long::sum, (a, b) -> {
            throw new AssertionError("combine broke");
        });
        Job<Long, Long> job = Job.range(0, 100, (i, ctx) -> i).reduce(broken).leafSize(10).build();

        // when
        Throwable failure = awaitFailure(nodes.get(0).submit(job).result());

        // then
        JobFailedException failed = assertJobFailed(failure, "reducer", 0);
        assertEquals("combine broke", assertInstanceOf(AssertionError.class, failed.getCause()).getMessage());
    }

    @Test
    void whenResultIsOverMaxResultBytes_thenJobFailsGivingItsSizeAndKey() {
        // given: each of 4 leaves returns 20 KB (a member's two, 40 KB), under the 64 KB limit; all four are over it
        List<GridNode> nodes = startMembers(2, GridConfig.defaults().workerThreads(2).maxResultBytes(64 * 1024));
        Job<byte[], List<byte[]>> job = Job.range(0, 4, (i, ctx) -> new byte[20 * 1024]).reduce(Reducers.toList())
                .leafSize(1).build();

        // when
        JobHandle<List<byte[]>> handle = nodes.get(0).submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertMatches("job " + handle.id() + " \\('.*'\\) failed: its result \\(key " + handle.id()
                + " of map canopy.results\\) is 8\\d{4} bytes serialized, over maxResultBytes \\(65536\\); return"
                + " less per task or reduce to something smaller, or raise maxResultBytes on every node",
                failed.getMessage());
        assertEquals(JobState.FAILED, handle.state());
    }

    @Test
    void whenPartialIsOverMaxResultBytes_thenJobFailsNamingTheSubJob() {
        // given: one task returns 100 KB, over the 64 KB limit
        List<GridNode> nodes = startMembers(2, GridConfig.defaults().workerThreads(2).maxResultBytes(64 * 1024));
        Job<byte[], List<byte[]>> job = Job.range(0, 8, (i, ctx) -> new byte[i == 6 ? 100 * 1024 : 10])
                .reduce(Reducers.toList()).leafSize(2).build();

        // when
        JobHandle<List<byte[]>> handle = nodes.get(0).submit(job);
        Throwable failure = awaitFailure(handle.result());

        // then
        assertMatches("job " + handle.id() + " \\('.*'\\) failed: the partial of sub-job 0(\\.\\d+)+ \\(key " + handle.id()
                        + "/0(\\.\\d+)+ of map canopy.subjobs\\) is 10\\d{4} bytes serialized, over maxResultBytes"
                        + " \\(65536\\).*", failure.getMessage());
    }

    @Test
    void whenJobCompletes_thenItsCommittedPartialsAreDropped() {
        // given
        List<GridNode> nodes = startCluster(3);
        Job<Long, List<Long>> job = Job.range(0, 200, (i, ctx) -> i).reduce(Reducers.toList()).leafSize(10).build();

        // when
        JobHandle<List<Long>> handle = nodes.get(0).submit(job);
        assertEquals(200, await(handle.result()).size());

        // then: the tree's records stay (for its view) but hold no partial
        IMap<SubJobKey, SubJobRecord> subjobs = nodes.get(1).hazelcast().getMap("canopy.subjobs");
        String id = handle.id().toString();
        awaitTrue("every record of the job without its outcome", () -> {
            List<SubJobRecord> records = subjobs.values().stream().filter(r -> r.jobId().equals(id)).toList();
            return records.size() > 20 && records.stream().allMatch(r -> r.outcome() == null);
        });
    }

    @Test
    void whenMemberDiesWhileRunningALeafOnItsLastAttempt_thenJobFailsSayingSo() {
        // given: three members; every task blocks, and only one attempt is allowed
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 6, (i, ctx) -> TestTasks.awaitLatch(run, i)).reduce(Reducers.sumLong())
                .maxAttempts(1).leafSize(1).build();
        JobHandle<Long> handle = nodes.get(0).submit(job);
        awaitTrue("every leaf marked running", () -> handle.progress().running() == 6);

        // when: a member other than the top driver dies
        UUID victim = nodes.get(1).memberId();
        cluster().kill(victim);

        // then: the job fails naming a task of the dead member's leaves and saying why
        Throwable failure = awaitFailure(handle.result());
        TestTasks.latch(run).countDown();
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertEquals(1, failed.attempts());
        assertTrue(failed.task().startsWith("one of the tasks of leaf 0."), failed.task());
        assertTrue(failed.getMessage().contains("its member " + victim + " left (it died or was stopped) while"
                + " running it, on each of its 1 attempt(s) (maxAttempts 1)"), failed.getMessage());
    }

    @Test
    void whenMemberDiesWhileRunningALeafWithAttemptsLeft_thenTheLeafRunsAgainAsItsNextAttempt() {
        // given
        List<GridNode> nodes = startCluster(3);
        String run = newRunId();
        Job<Long, Long> job = Job.range(0, 6, (i, ctx) -> TestTasks.awaitLatch(run, i)).reduce(Reducers.sumLong())
                .maxAttempts(2).leafSize(1).build();
        JobHandle<Long> handle = nodes.get(0).submit(job);
        awaitTrue("every leaf marked running", () -> handle.progress().running() == 6);

        // when
        cluster().kill(nodes.get(2).memberId());
        TestTasks.latch(run).countDown();

        // then
        assertEquals(15L, await(handle.result()));
        IMap<SubJobKey, SubJobRecord> subjobs = nodes.get(0).hazelcast().getMap("canopy.subjobs");
        String id = handle.id().toString();
        long second = subjobs.values().stream().filter(r -> r.jobId().equals(id) && r.leaf()
                && r.taskAttempts() == 2).count();
        assertTrue(second >= 1, "the dead member's leaves ran as a second attempt of their tasks");
    }

    // ------------------------------------------------------------------------------------ helpers

    private List<GridNode> startMembers(int members, GridConfig config) {
        return cluster().start(members, () -> cluster().startMember(config.copy()));
    }

    private static double stuckGauge(GridNode node) {
        Gauge gauge = node.meterRegistry().find("canopy.workers.stuck").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static void assertMatches(String regex, String actual) {
        assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(actual).matches(), actual);
    }

    /** Waits until released (at most a minute), swallowing every interrupt. */
    static long ignoreInterrupts(String run) {
        TestTasks.increment(run + ":started");
        CountDownLatch release = RELEASES.computeIfAbsent(run, r -> new CountDownLatch(1));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        boolean released = false;
        while (!released && System.nanoTime() - deadline < 0) {
            try {
                released = release.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                TestTasks.increment(run + ":interrupted");
            }
        }
        TestTasks.increment(run + ":returned");
        return 1L;
    }

    /** Returns 1 once two tasks of the run wait here at the same time; throws when the other never comes. */
    static long meetBoth(String run) throws InterruptedException {
        CountDownLatch both = MEETINGS.computeIfAbsent(run, r -> new CountDownLatch(2));
        both.countDown();
        if (!both.await(TestTasks.TASK_GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other task never ran alongside");
        }
        return 1L;
    }

    /** Waits for an event that never comes (for longer than any test): only the interrupt ends it early. */
    private static long sleepForEver() throws InterruptedException {
        new CountDownLatch(1).await(TestTasks.TASK_GIVE_UP_SECONDS, TimeUnit.SECONDS);
        return 0L;
    }

    private static long hugeArray() {
        long[] tooLarge = new long[Integer.MAX_VALUE];
        return tooLarge.length;
    }

    static long throwOnFirstAttempt(String run, long i, boolean throwFirst) {
        if (throwFirst && TestTasks.increment(run + ":" + i) == 1) {
            throw new OutOfMemoryError("thrown by the task itself");
        }
        return i;
    }
}
