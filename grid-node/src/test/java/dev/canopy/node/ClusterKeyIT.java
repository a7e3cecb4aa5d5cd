package dev.canopy.node;

import dev.canopy.grid.Await;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobRefusedException;
import dev.canopy.grid.Reducers;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster key as the README sets it up: a key file made once, named by {@code clusterKeyFile}
 * in three real nodes' configuration and in a client's. The client with the key gets the exact
 * result; one without is refused with the README's message, and a node logs where it came from.
 */
class ClusterKeyIT {

    @Test
    void whenNodesAndClientShareAKeyFile_thenJobsRun_andAClientWithoutTheKeyIsRefusedAndLogged(@TempDir Path dir)
            throws Exception {
        // given
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path keyFile = Files.writeString(dir.resolve("cluster.key"), Base64.getEncoder().encodeToString(secret) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        NodeProcesses.Setup setup = new NodeProcesses.Setup(Path.of("target", "it-logs"), "256m",
                Map.of("workerThreads", "2", "clusterKeyFile", keyFile.toString()));
        try (NodeProcesses cluster = NodeProcesses.start(3, setup, System.out);
             GridClient keyed = GridClient.connect(cluster.clientConfig().clusterKeyFile(keyFile.toString()));
             // the nodes' client configuration names their key file: a stranger's is made without it
             GridClient stranger = GridClient.connect(GridClientConfig.defaults().clusterName(cluster.clusterName())
                     .members(cluster.members()).connectTimeout(Duration.ofSeconds(30)))) {
            Job<Long, Long> job = Job.range(0, 120, (i, ctx) -> i).reduce(Reducers.sumLong()).name("keyed").build();

            // when
            long result = keyed.submit(job).result().get(2, TimeUnit.MINUTES);
            JobRefusedException refused = assertThrows(JobRefusedException.class, () -> stranger.submit(job));

            // then
            assertEquals(7140, result);
            assertTrue(refused.getMessage().matches("job \\S+ \\('keyed'\\) refused by member \\S+: not signed with"
                    + " this cluster's key"), refused.getMessage());
            String id = refused.getMessage().split(" ")[1];
            String line = "Refused job " + id + " ('keyed') from client " + stranger.hazelcast().getLocalEndpoint()
                    .getUuid();
            Await.awaitTrue("a node to log the refusal", () -> cluster.nodes().stream().anyMatch(n -> logOf(n)
                    .contains(line)));
        }
    }

    private static String logOf(NodeProcess node) {
        try {
            return Files.readString(node.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
