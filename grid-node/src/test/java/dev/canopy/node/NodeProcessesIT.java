package dev.canopy.node;

import dev.canopy.grid.GridClient;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobState;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.Topology;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three real {@code grid node} processes on 127.0.0.1, used through the client API and {@code grid status}. */
class NodeProcessesIT {

    private static NodeProcesses cluster;

    @BeforeAll
    static void startNodes() {
        cluster = ItCluster.start(3);
    }

    @AfterAll
    static void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whenClientSubmitsRangeJob_thenExactSumComesBackAndJobIsListed() throws Exception {
        try (GridClient client = GridClient.connect(cluster.clientConfig())) {
            // when
            JobHandle<Long> handle = client.submit(Job.range(0, 100_000, (i, ctx) -> i * 3)
                    .reduce(Reducers.sumLong()).name("it-range").build());

            // then
            assertEquals(3L * 99_999 * 100_000 / 2, handle.result().get(2, TimeUnit.MINUTES));
            assertEquals(JobState.COMPLETED, handle.state());
            JobInfo info = client.jobs().stream().filter(j -> j.id().equals(handle.id())).findFirst().orElseThrow();
            assertEquals("it-range", info.name());
            assertEquals(100_000, info.progress().done());
            Set<UUID> members = cluster.nodes().stream().map(NodeProcess::memberId).collect(Collectors.toSet());
            assertTrue(members.contains(info.topDriver()), "the top driver is one of the node processes: " + info);
        }
    }

    @Test
    void whenClientAsksTopology_thenTheThreeProcessesAreTheMembers() {
        try (GridClient client = GridClient.connect(cluster.clientConfig())) {
            Topology topology = client.topology();

            Set<UUID> expected = cluster.nodes().stream().map(NodeProcess::memberId).collect(Collectors.toSet());
            assertEquals(expected, topology.members().stream().map(MemberInfo::uuid).collect(Collectors.toSet()));
            for (MemberInfo m : topology.members()) {
                assertEquals(2, m.workerThreads(), m::toString);
                assertTrue(cluster.members().contains(m.address()), m::toString);
            }
        }
    }

    @Test
    void whenStatusCommandRuns_thenItPrintsTheThreeMembers() throws Exception {
        // when
        CommandRun run = CommandRun.of("status", "--client", cluster.clientFile().toString());

        // then
        assertEquals(GridCommand.OK, run.code(), run::toString);
        List<String> lines = run.outLines();
        assertTrue(lines.get(0).startsWith("cluster '" + cluster.clusterName() + "': 3 members, "), run::toString);
        for (NodeProcess node : cluster.nodes()) {
            long rows = lines.stream()
                    .filter(l -> l.startsWith(node.address() + " ") && l.contains(node.memberId().toString()))
                    .count();
            assertEquals(1, rows, () -> "one row for " + node.address() + " in\n" + run);
        }
    }

    @Test
    void whenStatusServerIsAskedUnderAHost_thenOnlyListedOnesAreServed() throws Exception {
        // given the status address a node printed; its config lists httpHosts [grid.example.com]
        Matcher status = Pattern.compile("status at http://([^:/]+):(\\d+)/").matcher(cluster.node(0).readyLine());
        assertTrue(status.find(), cluster.node(0).readyLine());

        // when
        String listed = get(status.group(1), Integer.parseInt(status.group(2)), "grid.example.com");
        String foreign = get(status.group(1), Integer.parseInt(status.group(2)), "evil.example");

        // then
        assertTrue(listed.startsWith("HTTP/1.1 200 "), listed);
        assertTrue(foreign.startsWith("HTTP/1.1 421 "), foreign);
    }

    /** GET /api/topology with {@code Host: host} over a plain socket; the whole answer. */
    private static String get(String address, int port, String host) throws IOException {
        try (Socket socket = new Socket(address, port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /api/topology HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void whenSubmitCommandRunsPi_thenItPassesItsCheck() throws Exception {
        CommandRun run = CommandRun.of("submit", "pi", "--tasks", "5000", "--samples", "1000",
                "--client", cluster.clientFile().toString());

        assertEquals(GridCommand.OK, run.code(), run::toString);
        assertTrue(run.out().contains("OK: pi ~ "), run::toString);
    }
}
