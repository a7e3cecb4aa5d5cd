package dev.canopy.grid.recovery;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.StageState;
import dev.canopy.grid.Task;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.StageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A graph survives the loss of its driver (between stages and during one) and of its submitter:
 * it completes exactly, and each stage's job was created once (counted in the graph's record, and
 * as jobs of the stage's name in the grid).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GraphRecoveryTest extends RecoveryTestSupport {

    /** Per test run: how often each factory ran, and the latch the first run of a gated factory waits at. */
    private static final Map<String, AtomicInteger> FACTORY_RUNS = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void releaseGates() {
        GATES.values().forEach(CountDownLatch::countDown);
    }

    /**
     * The sum of [from, to), one task a leaf; with a {@code gate}, each task waits (60 s at most) until
     * the test opens it, so the stage is still running when its driver is killed.
     */
    static Job<Long, Long> sum(String name, long from, long to, String gate) {
        return Job.range(from, to, (i, ctx) -> passGate(gate, i)).reduce(Reducers.sumLong()).name(name).leafSize(1)
                .build();
    }

    private static long passGate(String gate, long i) throws InterruptedException {
        if (gate != null && !GATES.get(gate).await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + gate + " was never opened");
        }
        return i;
    }

    static Job<Long, Long> constant(String name, long value) {
        return Job.of(List.<Task<Long>>of(ctx -> value)).reduce(Reducers.sumLong()).name(name).build();
    }

    /**
     * a (sum 0..20) -> b (2a) and c (a + 1, gated: its factory's first run waits for the test) -> d (b + c).
     * a = 190, b = 380, c = 191, d = 571. With {@code holdA}, stage a's tasks wait at gate {@code run-a}.
     */
    private JobGraph gatedDiamond(boolean holdA) {
        String gate = run + "-c";
        GATES.put(gate, new CountDownLatch(1));
        GATES.put(run + "-a", new CountDownLatch(holdA ? 1 : 0));
        FACTORY_RUNS.put(gate, new AtomicInteger());
        String prefix = run;
        return JobGraph.builder("diamond-" + run)
                .stage("a", sum(prefix + "-a", 0, 20, prefix + "-a"))
                .stage("b", in -> constant(prefix + "-b", 2 * in.<Long>get("a")), "a")
                .stage("c", in -> {
                    if (FACTORY_RUNS.get(gate).incrementAndGet() == 1) {
                        GATES.get(gate).await(60, TimeUnit.SECONDS);
                    }
                    return constant(prefix + "-c", in.<Long>get("a") + 1);
                }, "a")
                .stage("d", in -> sum(prefix + "-d", 0, in.<Long>get("b") + in.<Long>get("c") - 570 + 10, null), "b", "c")
                .build();
    }

    @Test
    void whenDriverIsKilledBetweenStages_thenANewDriverCreatesTheStageOnceAndTheGraphCompletesExactly() {
        // given: the driver is inside stage c's factory, c's job id reserved but its job not created
        List<GridNode> nodes = startCluster(3, 1);
        GraphHandle handle = nodes.get(0).submit(gatedDiamond(false));
        UUID driver = awaitDriver(handle.id());
        awaitTrue("stage c to be reserved", () -> stageState(handle.id(), "c") == StageState.STARTING
                && FACTORY_RUNS.get(run + "-c").get() == 1);

        // when
        kill(driver);
        GATES.get(run + "-c").countDown();

        // then: d = sum of [0, 11) = 55 (b + c - 570 + 10 = 11 tasks)
        GridNode survivor = liveNodes().get(0);
        GraphHandle found = survivor.graph(handle.id()).orElseThrow();
        Map<String, Object> results = result(found.result());
        assertEquals(Map.of("a", 190L, "b", 380L, "c", 191L, "d", 55L), results);
        assertNotEquals(driver, lastDriver(handle.id()));
        assertCreatedOnce(survivor, handle.id());
        assertEquals(2, FACTORY_RUNS.get(run + "-c").get(), "the new driver ran c's factory again, as its job never existed");
    }

    @Test
    void whenDriverIsKilledDuringAStage_thenTheRunningStageIsNotRestartedAndTheGraphCompletesExactly() {
        // given: stage a runs (its tasks held at their gate), driven, like the graph, by the submitter's member
        List<GridNode> nodes = startCluster(3, 1);
        GridNode submitter = nodes.get(1);
        GraphHandle handle = submitter.submit(gatedDiamond(true));
        GATES.get(run + "-c").countDown();
        UUID driver = awaitDriver(handle.id());
        awaitTrue("stage a to run", () -> stageState(handle.id(), "a") == StageState.RUNNING);
        String jobOfA = graphRecord(handle.id()).stage("a").jobId();

        // when
        kill(driver);
        GATES.get(run + "-a").countDown();

        // then
        GridNode survivor = liveNodes().get(0);
        Map<String, Object> results = result(survivor.graph(handle.id()).orElseThrow().result());
        assertEquals(Map.of("a", 190L, "b", 380L, "c", 191L, "d", 55L), results);
        assertEquals(jobOfA, graphRecord(handle.id()).stage("a").jobId(), "stage a kept its job");
        assertCreatedOnce(survivor, handle.id());
    }

    @Test
    void whenSubmitterIsKilled_thenTheGraphCompletesAndAnotherClientReadsItsResults() {
        // given: a client submits; the graph's driver is a member
        startCluster(2, 1);
        GridClient submitter = startClient();
        GraphHandle handle = submitter.submit(gatedDiamond(true));
        awaitTrue("stage a to run", () -> stageState(handle.id(), "a") == StageState.RUNNING);

        // when
        submitter.hazelcast().getLifecycleService().terminate();
        GATES.get(run + "-a").countDown();
        GATES.get(run + "-c").countDown();

        // then
        GridClient other = startClient();
        Map<String, Object> results = result(other.graph(handle.id()).orElseThrow().result());
        assertEquals(Map.of("a", 190L, "b", 380L, "c", 191L, "d", 55L), results);
        assertCreatedOnce(liveNodes().get(0), handle.id());
    }

    private UUID awaitDriver(GraphId id) {
        UUID[] found = new UUID[1];
        awaitTrue("graph " + id + " to have a driver", () -> {
            GraphRecord r = graphRecord(id);
            found[0] = r == null ? null : r.driver();
            return found[0] != null;
        });
        return found[0];
    }

    private UUID lastDriver(GraphId id) {
        return liveNodes().get(0).graphs().stream().filter(g -> g.id().equals(id)).findFirst()
                .map(GraphInfo::driver).orElse(null);
    }

    private StageState stageState(GraphId id, String stage) {
        GraphRecord r = graphRecord(id);
        return r == null ? null : r.stage(stage).state();
    }

    /** Each stage's job was created once: the record counted one creation, and the grid holds one job of its name. */
    private void assertCreatedOnce(GridNode reader, GraphId id) {
        // the end is written before the record's bookkeeping, so a handle may hear of it first
        awaitTrue("graph " + id + "'s record to end", () -> graphRecord(id).state().isTerminal());
        GraphRecord record = graphRecord(id);
        for (StageRecord stage : record.stages()) {
            assertEquals(1, stage.creations(), "creations of stage " + stage.name());
            String jobName = run + "-" + stage.name();
            long jobs = reader.jobs().stream().filter(j -> j.name().equals(jobName)).count();
            assertEquals(1, jobs, "jobs named " + jobName);
        }
    }
}
