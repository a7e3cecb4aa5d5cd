package dev.canopy.node.recovery;

import dev.canopy.grid.Await;
import dev.canopy.grid.Grid;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskContext;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real node processes against tasks that end their JVM: one that calls {@code System.exit}, and one
 * that runs its member's heap out. Each costs at most the members it ran on, and the grid goes on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadTaskIT {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(90);
    private NodeProcesses cluster;

    /** Calls {@code System.exit(1)} at {@code index}; returns its index otherwise. */
    record ExitAt(long index) implements IndexTask<Long> {
        @Override
        public Long run(long i, TaskContext ctx) {
            if (i == index) {
                System.exit(1);
            }
            return i;
        }
    }

    /** On member {@code victim}, allocates until its heap runs out; elsewhere returns its index. */
    record HogHeapOn(String victim) implements IndexTask<Long> {
        @Override
        public Long run(long i, TaskContext ctx) {
            if (ctx.hazelcast().getCluster().getLocalMember().getUuid().toString().equals(victim)) {
                List<long[]> hog = new ArrayList<>();
                while (hog.size() < 1_000_000) {
                    hog.add(new long[1 << 20]);
                }
                return (long) hog.size();
            }
            return i;
        }
    }

    private void startNodes(Map<String, String> settings) {
        cluster = NodeProcesses.start(3, new NodeProcesses.Setup(Path.of("target", "it-logs"), "256m", settings),
                System.out);
    }

    @AfterEach
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whenTaskCallsSystemExit_thenItCostsAtMostMaxAttemptsMembersAndTheJobFailsNamingIt() throws Exception {
        // given
        startNodes(Map.of());
        Grid grid = cluster.client();
        Job<Long, Long> job = Job.range(0, 12, new ExitAt(5)).reduce(Reducers.sumLong()).maxAttempts(2).leafSize(1)
                .name("exit-it").build();

        // when
        JobHandle<Long> handle = grid.submit(job);
        Throwable failure = Await.awaitFailure(handle.result());

        // then: the job names the task and says its member died, after its two attempts
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertEquals("index 5", failed.task(), failed.getMessage());
        assertEquals(2, failed.attempts(), failed.getMessage());
        assertTrue(failed.getMessage().contains("left (it died or was stopped) while running it, on each of its 2"
                + " attempt(s) (maxAttempts 2)"), failed.getMessage());

        // and: exactly the two members that ran it exited, each saying which task called exit
        Await.awaitTrue("two members gone", () -> dead().size() == 2, EXIT_WAIT);
        for (NodeProcess gone : dead()) {
            assertEquals(1, gone.awaitExit(EXIT_WAIT), gone + " exited with the task's status");
            assertTrue(log(gone).contains("Task index 5 of job " + handle.id() + " ('exit-it') called System.exit"),
                    gone + " logs the task that called exit");
        }
        assertEquals(4950L, grid.submit(Job.range(0, 100, (i, ctx) -> i).reduce(Reducers.sumLong()).build())
                .result().get(2, TimeUnit.MINUTES), "the member left runs jobs");
    }

    @Test
    void whenTaskRunsItsMemberOutOfHeap_thenThatMemberStopsCleanlyAndTheJobCompletesElsewhere() throws Exception {
        // given: tasks that exhaust the heap of one member, and only there
        startNodes(Map.of());
        Grid grid = cluster.client();
        NodeProcess victim = cluster.node(1);
        Job<Long, Long> job = Job.range(0, 30, new HogHeapOn(victim.memberId().toString()))
                .reduce(Reducers.sumLong()).leafSize(1).name("oom-it").build();

        // when
        long sum = grid.submit(job).result().get(3, TimeUnit.MINUTES);

        // then: the job's result is exact (the victim's tasks ran again elsewhere)...
        assertEquals(435L, sum);
        // ...the victim stopped its JVM cleanly with the fatal-error status, saying why...
        assertEquals(3, victim.awaitExit(EXIT_WAIT), victim + "'s exit code");
        String log = log(victim);
        assertTrue(log.contains("OutOfMemoryError"), "the victim's log names the error");
        assertTrue(log.contains("unfit to go on"), "the victim's log says it stops");
        // ...and the others go on
        assertTrue(cluster.node(0).isAlive() && cluster.node(2).isAlive(), "the other members run");
        assertEquals(4950L, grid.submit(Job.range(0, 100, (i, ctx) -> i).reduce(Reducers.sumLong()).build())
                .result().get(2, TimeUnit.MINUTES));
    }

    @Test
    void whenExitGuardIsOn_thenATaskCallingSystemExitOnlyFailsAndNoMemberDies() throws Exception {
        // given
        startNodes(Map.of("exitGuard", "true"));
        Grid grid = cluster.client();
        Job<Long, Long> job = Job.range(0, 12, new ExitAt(5)).reduce(Reducers.sumLong()).maxAttempts(2).leafSize(1)
                .name("guarded-exit-it").build();

        // when
        Throwable failure = Await.awaitFailure(grid.submit(job).result());

        // then: the task failed as any task that throws, and every member runs
        JobFailedException failed = assertInstanceOf(JobFailedException.class, failure);
        assertEquals("index 5", failed.task(), failed.getMessage());
        assertEquals(2, failed.attempts(), failed.getMessage());
        SecurityException cause = assertInstanceOf(SecurityException.class, failed.getCause(), failed.getMessage());
        assertEquals("a task may not end its node's JVM (System.exit(1) or Runtime.halt): exitGuard is on; throw"
                + " an exception to fail the task instead", cause.getMessage());
        assertEquals(List.of(), dead(), "no member died");
        assertEquals(4950L, grid.submit(Job.range(0, 100, (i, ctx) -> i).reduce(Reducers.sumLong()).build())
                .result().get(2, TimeUnit.MINUTES));
    }

    private List<NodeProcess> dead() {
        return cluster.nodes().stream().filter(n -> !n.isAlive()).toList();
    }

    private static String log(NodeProcess node) throws IOException {
        return Files.readString(node.log(), StandardCharsets.UTF_8);
    }
}
