package dev.canopy.node;

import dev.canopy.grid.Await;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.JobState;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.StageState;
import dev.canopy.grid.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusCommandTest {

    @TempDir
    Path dir;

    @Test
    void whenNoClusterAnswers_thenOneLineNamingClusterAndAddressAndExitOne() throws IOException {
        // given: a port nobody listens on, and a short timeout from the file
        int port = FreePorts.find(1).get(0);
        Path client = Files.writeString(dir.resolve("client.yaml"),
                "clusterName: nobody-here\nmembers: [127.0.0.1:" + port + "]\nconnectTimeout: 1s\n");

        // when
        CommandRun run = CommandRun.of("status", "--client", client.toString());

        // then
        assertEquals(GridCommand.FAILED, run.code(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("status: cannot connect to cluster 'nobody-here' at 127.0.0.1:" + port
                + " within 1s: "), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void whenClusterRuns_thenMembersAndJobsArePrinted() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.start(2, GridConfig.defaults().workerThreads(2))) {
            // given: a finished job
            cluster.nodes().get(0).submit(Job.range(0, 100, (i, ctx) -> i).reduce(Reducers.sumLong())
                    .name("hundred").build()).result().get(1, TimeUnit.MINUTES);
            Path client = Files.writeString(dir.resolve("client.yaml"), "clusterName: " + cluster.clusterName()
                    + "\nmembers: [" + String.join(", ", cluster.addresses()) + "]\n");

            // when
            CommandRun run = CommandRun.of("status", "--client", client.toString());

            // then
            assertEquals(GridCommand.OK, run.code(), run::toString);
            List<String> lines = run.outLines();
            assertEquals("cluster '" + cluster.clusterName() + "': 2 members, 1 job", lines.get(0));
            assertTrue(lines.get(1).matches("MEMBER +UUID +ROLES +THREADS +BUSY +QUEUED"), run::toString);
            for (int i = 0; i < 2; i++) {
                String member = lines.get(2 + i);
                assertTrue(cluster.addresses().contains(member.split(" +")[0]), run::toString);
                assertTrue(member.contains(cluster.nodes().get(i).memberId().toString())
                        || member.contains(cluster.nodes().get(1 - i).memberId().toString()), run::toString);
                assertTrue(member.matches(".*worker.* +2 +\\d+ +\\d+"), run::toString);
            }
            assertTrue(lines.get(4).startsWith("JOB "), run::toString);
            assertTrue(lines.get(5).matches("\\S+ +hundred +COMPLETED +100/100 +100% +0 .*"), run::toString);
        }
    }

    @Test
    void whenGraphsEnded_thenEachIsListedWithItsStagesStatesJobsAndErrors() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.start(2, GridConfig.defaults().workerThreads(2))) {
            // given a graph whose stage 'a' failed, so 'b' after it never ran, while 'c' completed
            GridNode node = cluster.nodes().get(0);
            GraphHandle graph = node.submit(JobGraph.builder("broken")
                    .stage("a", failing("broken-a"))
                    .stage("b", constant("broken-b", 2), "a")
                    .stage("c", constant("broken-c", 3))
                    .build());
            assertInstanceOf(JobFailedException.class, Await.awaitFailure(graph.result()));
            Await.awaitTrue("the graph's record to end FAILED", () -> node.graphs().get(0).state() == JobState.FAILED);
            GraphInfo info = node.graphs().get(0);
            String aJob = graph.stages().get("a").id().toString();
            String cJob = graph.stages().get("c").id().toString();

            // when
            CommandRun run = CommandRun.of("status", "--client", clientFile(cluster).toString());

            // then
            assertEquals(GridCommand.OK, run.code(), run::toString);
            List<String> lines = run.outLines();
            assertEquals("cluster '" + cluster.clusterName() + "': 2 members, 2 jobs, 1 graph", lines.get(0));
            assertEquals(List.of(
                    "graph " + graph.id() + " 'broken': FAILED, 1/3 stages completed, submitted " + info.submitted(),
                    "  STAGE  AFTER  STATE      JOB" + " ".repeat(35) + "DONE/TOTAL  PROGRESS  ERROR",
                    "  a      -      FAILED     " + aJob + "  1/1         100%      dev.canopy.grid.JobFailedException:"
                            + " job " + aJob + " ('broken-a') failed: task index 0 failed after 1 attempt(s):"
                            + " java.lang.IllegalStateException: stage blew up",
                    "  b      a      FAILED     -" + " ".repeat(37) + "-           -         it did not run: stage 'a'"
                            + " before it failed",
                    "  c      -      COMPLETED  " + cJob + "  1/1         100%      -"),
                    lines.subList(lines.size() - 5, lines.size()), run::toString);
        }
    }

    @Test
    void whenGraphRuns_thenItsRunningStageShowsItsJobsProgressAndTheNextStageWaits() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.start(2, GridConfig.defaults().workerThreads(2))) {
            // given a graph whose first stage runs until cancelled
            GridNode node = cluster.nodes().get(0);
            GraphHandle graph = node.submit(JobGraph.builder("slow")
                    .stage("park", Job.of(List.<Task<Long>>of(StatusCommandTest::parkUntilCancelled))
                            .reduce(Reducers.sumLong()).name("slow-park").build())
                    .stage("then", constant("slow-then", 1), "park")
                    .build());
            try {
                Await.awaitTrue("stage 'park' to run", () -> !node.graphs().isEmpty()
                        && node.graphs().get(0).stages().get(0).state() == StageState.RUNNING);
                String parkJob = graph.stages().get("park").id().toString();

                // when
                CommandRun run = CommandRun.of("status", "--client", clientFile(cluster).toString());

                // then
                assertEquals(GridCommand.OK, run.code(), run::toString);
                List<String> lines = run.outLines();
                assertEquals("cluster '" + cluster.clusterName() + "': 2 members, 1 job, 1 graph", lines.get(0));
                assertTrue(lines.get(lines.size() - 4).startsWith("graph " + graph.id()
                        + " 'slow': RUNNING, 0/2 stages completed, submitted "), run::toString);
                assertEquals(List.of(
                        "  STAGE  AFTER  STATE    JOB" + " ".repeat(35) + "DONE/TOTAL  PROGRESS  ERROR",
                        "  park   -      RUNNING  " + parkJob + "  0/1         0%        -",
                        "  then   park   WAITING  -" + " ".repeat(37) + "-           -         -"),
                        lines.subList(lines.size() - 3, lines.size()), run::toString);
            } finally {
                graph.cancel();
            }
        }
    }

    private Path clientFile(EmbeddedCluster cluster) throws IOException {
        return Files.writeString(dir.resolve("client.yaml"), "clusterName: " + cluster.clusterName()
                + "\nmembers: [" + String.join(", ", cluster.addresses()) + "]\n");
    }

    /** A one-task job returning {@code value}. */
    private static Job<Long, Long> constant(String name, long value) {
        return Job.of(List.<Task<Long>>of(ctx -> value)).reduce(Reducers.sumLong()).name(name).build();
    }

    /** A one-task job whose task throws, with one attempt. */
    private static Job<Long, Long> failing(String name) {
        return Job.of(List.<Task<Long>>of(ctx -> {
            throw new IllegalStateException("stage blew up");
        })).reduce(Reducers.sumLong()).name(name).maxAttempts(1).build();
    }

    /** Parks in steps of 50 ms until its job is cancelled, at most a minute. */
    private static long parkUntilCancelled(dev.canopy.grid.TaskContext ctx) {
        for (int i = 0; i < 1_200 && !ctx.isCancelled(); i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return 0L;
    }
}
