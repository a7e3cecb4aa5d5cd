package dev.canopy.node;

import dev.canopy.grid.GridConfig;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmitCommandTest {

    private static EmbeddedCluster cluster;
    private static Path client;

    @BeforeAll
    static void startCluster(@TempDir Path dir) throws Exception {
        cluster = EmbeddedCluster.start(2, GridConfig.defaults().workerThreads(2));
        // a job that ended before any submit: not the submitted example's, so never followed
        cluster.nodes().get(0).submit(Job.range(0, 100, (i, ctx) -> i).reduce(Reducers.sumLong())
                .name("hundred").build()).result().get(1, TimeUnit.MINUTES);
        client = Files.writeString(dir.resolve("client.yaml"), "clusterName: " + cluster.clusterName()
                + "\nmembers: [" + String.join(", ", cluster.addresses()) + "]\n");
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whenSubmitPiRunsWithoutATty_thenPlainProgressLinesNameItsJobOnly() {
        // when
        CommandRun run = CommandRun.of("submit", "pi", "--tasks", "20000", "--client", client.toString());

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> ExampleCommandTest.PI_PROGRESS.matcher(l).matches()),
                run::toString);
        assertTrue(run.outLines().stream().anyMatch(l -> l.startsWith("pi 100%  20,000/20,000 tasks")), run::toString);
        assertFalse(run.out().contains("hundred"), run::toString);
        assertTrue(run.out().contains("OK: pi ~ "), run::toString);
    }

    @Test
    void whenSubmitIsQuiet_thenNoProgressLines() {
        CommandRun run = CommandRun.of("submit", "pi", "--quiet", "--tasks", "20000", "--client", client.toString());

        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.out().contains("OK: pi ~ "), run::toString);
        assertTrue(run.outLines().stream().noneMatch(l -> ExampleCommandTest.PI_PROGRESS.matcher(l).matches()),
                run::toString);
    }
}
