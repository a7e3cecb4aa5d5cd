package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job graphs on a real in-JVM cluster: order, results, failure, cancellation, timeouts, re-attaching. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobGraphTest extends GridTestSupport {

    /** The sum of {@code [from, to)} as a job of its own. */
    static Job<Long, Long> sum(String name, long from, long to) {
        return Job.range(from, to, (i, ctx) -> i).reduce(Reducers.sumLong()).name(name).leafSize(10).build();
    }

    /** A one-task job returning {@code value}. */
    static Job<Long, Long> constant(String name, long value) {
        return Job.of(List.<Task<Long>>of(ctx -> value)).reduce(Reducers.sumLong()).name(name).build();
    }

    /** A one-task job whose task throws. */
    static Job<Long, Long> failing(String name) {
        return Job.of(List.<Task<Long>>of(ctx -> {
            throw new IllegalStateException("stage blew up");
        })).reduce(Reducers.sumLong()).name(name).maxAttempts(1).build();
    }

    /** A one-task job that runs until it is cancelled (giving up after {@link TestTasks#TASK_GIVE_UP_SECONDS}). */
    static Job<Long, Long> sleeping(String name) {
        return Job.of(List.<Task<Long>>of(ctx -> TestTasks.loopUntilCancelled(name, ctx)))
                .reduce(Reducers.sumLong()).name(name).build();
    }

    static JobGraph diamond(String name) {
        return JobGraph.builder(name)
                .stage("a", sum(name + "-a", 0, 100))
                .stage("b", in -> constant(name + "-b", 2 * in.<Long>get("a")), "a")
                .stage("c", in -> constant(name + "-c", in.<Long>get("a") + 1), "a")
                .stage("d", in -> constant(name + "-d", in.<Long>get("b") + in.<Long>get("c")), "b", "c")
                .build();
    }

    @Test
    void whenDiamondGraphRuns_thenEveryStageHasItsExactResult() {
        // given
        List<GridNode> nodes = startCluster(3);

        // when
        GraphHandle handle = nodes.get(0).submit(diamond("diamond"));
        Map<String, Object> results = await(handle.result());

        // then: a = 4950, b = 9900, c = 4951, d = 14851, in the order the stages were added
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(results.keySet()));
        assertEquals(Map.of("a", 4950L, "b", 9900L, "c", 4951L, "d", 14851L), results);
        assertEquals(14851L, (Long) await(handle.result("d")));
        assertEquals(JobState.COMPLETED, handle.state());
        assertEquals(4, handle.stages().size());
        for (JobInfo stage : handle.stages().values()) {
            assertEquals(JobState.COMPLETED, stage.state());
        }
    }

    @Test
    void whenChainOfTenStagesRuns_thenEachStageReadsTheOneBefore() {
        // given: stage 0 is 1, stage k is twice stage k-1 plus k
        List<GridNode> nodes = startCluster(2);
        JobGraph.Builder builder = JobGraph.builder("chain").stage("s0", constant("chain-s0", 1));
        for (int k = 1; k < 10; k++) {
            String before = "s" + (k - 1);
            long add = k;
            builder.stage("s" + k, in -> constant("chain-s" + add, 2 * in.<Long>get(before) + add), before);
        }

        // when
        Map<String, Object> results = await(nodes.get(1).submit(builder.build()).result());

        // then
        long expected = 1;
        for (int k = 1; k < 10; k++) {
            expected = 2 * expected + k;
            assertEquals(expected, results.get("s" + k), "stage s" + k);
        }
        assertEquals(10, results.size());
    }

    @Test
    void whenStageFails_thenItsDependentsNeverRunWhileAnIndependentBranchCompletes() {
        // given: a -> bad -> after-bad, and a -> fine, independent of bad
        List<GridNode> nodes = startCluster(2);
        JobGraph graph = JobGraph.builder("failing")
                .stage("a", constant("failing-a", 1))
                .stage("bad", failing("failing-bad"), "a")
                .stage("after-bad", in -> constant("failing-after-bad", in.<Long>get("bad")), "bad")
                .stage("fine", in -> sum("failing-fine", 0, 50), "a")
                .build();

        // when
        GraphHandle handle = nodes.get(0).submit(graph);
        Throwable failure = awaitFailure(handle.result());

        // then: the graph names the stage and its cause; the independent branch has its result
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertEquals("stage bad", failed.task());
        assertTrue(failed.getMessage().startsWith("graph " + handle.id() + " ('failing') failed: stage 'bad' failed: job "),
                failed.getMessage());
        assertTrue(failed.getMessage().contains("stage blew up"), failed.getMessage());
        assertEquals(1225L, (Long) await(handle.result("fine")));
        Throwable notRun = awaitFailure(handle.result("after-bad"));
        assertEquals("graph " + handle.id() + " ('failing') failed: stage 'after-bad' did not complete: it did not run:"
                + " stage 'bad' before it failed", notRun.getMessage());
        GraphInfo info = nodes.get(0).graphs().get(0);
        assertEquals(JobState.FAILED, info.state());
        assertEquals(List.of(StageState.COMPLETED, StageState.FAILED, StageState.FAILED, StageState.COMPLETED),
                info.stages().stream().map(StageInfo::state).toList());
        assertNull(info.stages().get(2).job(), "a stage that never ran has no job");
        assertEquals(0, nodes.get(0).jobs().stream().filter(j -> j.name().equals("failing-after-bad")).count());
    }

    @Test
    void whenFactoryThrowsOrReturnsNull_thenThatStageFailsWithTheFactorysException() {
        // given
        List<GridNode> nodes = startCluster(1);
        JobGraph throwing = JobGraph.builder("throwing")
                .stage("a", constant("throwing-a", 1))
                .stage("b", in -> {
                    throw new IllegalArgumentException("no job for " + in.<Long>get("a"));
                }, "a")
                .build();
        JobGraph nothing = JobGraph.builder("nothing")
                .stage("a", constant("nothing-a", 1))
                .stage("b", in -> null, "a")
                .build();

        // when
        Throwable thrown = awaitFailure(nodes.get(0).submit(throwing).result());
        Throwable none = awaitFailure(nodes.get(0).submit(nothing).result());

        // then
        assertInstanceOf(IllegalArgumentException.class, thrown.getCause());
        assertEquals("no job for 1", thrown.getCause().getMessage());
        assertTrue(thrown.getMessage().endsWith("failed: stage 'b' failed: java.lang.IllegalArgumentException: no job"
                + " for 1"), thrown.getMessage());
        assertTrue(none.getMessage().endsWith("failed: stage 'b' failed: its factory returned no job (null)"),
                none.getMessage());
    }

    @Test
    void whenFactoryReadsAStageItDoesNotComeAfter_thenTheStageFailsNamingIt() {
        // given
        List<GridNode> nodes = startCluster(1);
        JobGraph graph = JobGraph.builder("reads")
                .stage("a", constant("reads-a", 1))
                .stage("x", constant("reads-x", 2))
                .stage("b", in -> constant("reads-b", in.<Long>get("x")), "a")
                .build();

        // when
        Throwable failure = awaitFailure(nodes.get(0).submit(graph).result());

        // then
        assertEquals("stage 'b' reads the result of 'x', which it does not come after; it comes after: a (add 'x' to"
                + " its after)", failure.getCause().getMessage());
    }

    @Test
    void whenGraphIsCancelled_thenEveryRunningStageIsCancelledAndNoneStartsLater() {
        // given: two sleeping stages side by side, and one after them
        List<GridNode> nodes = startCluster(2);
        JobGraph graph = JobGraph.builder("cancelled")
                .stage("slow-1", sleeping("cancelled-slow-1"))
                .stage("slow-2", sleeping("cancelled-slow-2"))
                .stage("last", in -> constant("cancelled-last", 1), "slow-1", "slow-2")
                .build();
        GraphHandle handle = nodes.get(0).submit(graph);
        awaitTrue("both slow stages to run", () -> handle.stages().size() == 2);

        // when
        boolean cancelled = handle.cancel();

        // then
        assertTrue(cancelled);
        assertInstanceOf(CancellationException.class, awaitFailure(handle.result()));
        for (String stage : List.of("slow-1", "slow-2")) {
            assertInstanceOf(CancellationException.class, awaitFailure(handle.result(stage)), stage);
        }
        awaitFailure(handle.result("last"));
        assertEquals(JobState.CANCELLED, handle.state());
        assertEquals(List.of(StageState.CANCELLED, StageState.CANCELLED, StageState.CANCELLED),
                nodes.get(1).graphs().get(0).stages().stream().map(StageInfo::state).toList());
        assertEquals(0, nodes.get(0).jobs().stream().filter(j -> j.name().equals("cancelled-last")).count());
        assertTrue(!handle.cancel(), "a second cancel finds the graph ended");
    }

    @Test
    void whenGraphTimesOut_thenItIsCancelledWithATimeoutAsCause() {
        // given
        List<GridNode> nodes = startCluster(1);
        JobGraph graph = JobGraph.builder("late")
                .stage("slow", sleeping("late-slow"))
                .timeout(Duration.ofSeconds(2))
                .build();

        // when
        Throwable failure = awaitFailure(nodes.get(0).submit(graph).result());

        // then
        assertInstanceOf(CancellationException.class, failure);
        assertInstanceOf(TimeoutException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().endsWith("('late') ran longer than its timeout of 2000 ms"),
                failure.getCause().getMessage());
    }

    @Test
    void whenClientSubmitsAndAnotherFindsTheGraphById_thenBothSeeItsResults() {
        // given
        startCluster(2);
        GridClient submitter = cluster().startClient(GridClientConfig.defaults());
        GridClient other = cluster().startClient(GridClientConfig.defaults());

        // when
        GraphHandle handle = submitter.submit(diamond("by-client"));
        GraphHandle found = other.graph(handle.id()).orElseThrow();

        // then
        assertEquals(14851L, await(found.result()).get("d"));
        assertEquals(4950L, (Long) await(found.result("a")));
        assertEquals("by-client", found.name());
        assertEquals(14851L, await(handle.result()).get("d"));
        assertTrue(other.graph(GraphId.newId()).isEmpty());
    }

    /** Latches of the side-by-side test, by run: each factory counts down, then waits for the other's count. */
    private static final java.util.Map<String, java.util.concurrent.CountDownLatch> BOTH_STARTED =
            new java.util.concurrent.ConcurrentHashMap<>();

    static Job<Long, Long> afterBothStarted(String run, String name, long value) throws InterruptedException {
        java.util.concurrent.CountDownLatch both = BOTH_STARTED.get(run);
        both.countDown();
        if (!both.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("stage " + name + "'s factory ran alone: the other factory never started");
        }
        return constant(name, value);
    }

    @Test
    void whenTwoStagesAreReadyTogether_thenTheirFactoriesRunSideBySide() {
        // given: b's and c's factories each wait until both have started
        List<GridNode> nodes = startCluster(1);
        String run = java.util.UUID.randomUUID().toString();
        BOTH_STARTED.put(run, new java.util.concurrent.CountDownLatch(2));
        JobGraph graph = JobGraph.builder("side-by-side")
                .stage("a", constant("side-a", 1))
                .stage("b", in -> afterBothStarted(run, "side-b", 2), "a")
                .stage("c", in -> afterBothStarted(run, "side-c", 3), "a")
                .build();

        // when
        Map<String, Object> results = await(nodes.get(0).submit(graph).result());

        // then
        assertEquals(Map.of("a", 1L, "b", 2L, "c", 3L), results);
    }
}
