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
import java.util.List;
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
    void whenSubmitPipelineRuns_thenItsGraphRunsThroughTheClientAndEachStageIsPrintedExactly(@TempDir Path dir)
            throws Exception {
        // given: three distinct words, six in all, of three and five letters
        Path text = Files.writeString(dir.resolve("text.txt"), "one two two\nthree three three\n");

        // when
        CommandRun run = CommandRun.of("submit", "pipeline", "--quiet", "--file", text.toString(), "--top", "2",
                "--client", client.toString());

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        List<String> lines = run.outLines();
        assertTrue(lines.contains("stage words: 3 distinct words in 2 lines"), run::toString);
        assertTrue(lines.contains("stage total: 6 words"), run::toString);
        int top = lines.indexOf("stage top: the 2 most frequent words");
        assertEquals(List.of("    1  three               3", "    2  two                 2"),
                lines.subList(top + 1, top + 3), run::toString);
        int lengths = lines.indexOf("stage lengths: words by length in letters, each occurrence counted");
        assertEquals(List.of("    3         3   50.0%  ########################################",
                "    5         3   50.0%  ########################################"),
                lines.subList(lengths + 1, lengths + 3), run::toString);
        assertTrue(run.out().contains("OK: 6 words (3 distinct) in 2 lines"), run::toString);
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
