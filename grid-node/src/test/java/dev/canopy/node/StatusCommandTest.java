package dev.canopy.node;

import dev.canopy.grid.GridConfig;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
