package dev.canopy.node.chaos;

import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two graph rounds of {@code bin/grid chaos} on three node processes: each kills the graph's driver
 * with {@code kill -9} mid-graph, and every graph still ends exactly, in time, each stage's job
 * created once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class GraphChaosIT {

    /** As the ITs of dev.canopy.node (ItCluster): small heaps, two workers, a lost member noticed within about 5 s. */
    private static final NodeProcesses.Setup SETUP = new NodeProcesses.Setup(Path.of("target", "it-logs"), "256m",
            Map.of("workerThreads", "2", "heartbeatInterval", "1s", "maxNoHeartbeat", "5s"));

    private NodeProcesses cluster;

    @AfterEach
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whenEachGraphsDriverIsKilledMidGraph_thenEveryGraphEndsExactlyAndNoStageIsCreatedTwice() throws Exception {
        // given
        cluster = NodeProcesses.start(3, SETUP, System.out);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        GraphChaos chaos = new GraphChaos(cluster, new GraphChaos.Plan(2, 120), new Random(14), out);

        // when
        boolean ok = chaos.run();

        // then: a kill in each round, mid-graph, and nothing wrong, hung or created twice
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        List<String> lines = text.lines().toList();
        assertTrue(ok, text);
        assertEquals("graph rounds 2, graph driver kills 2, wrong results 0, hung graphs 0, stages created twice 0",
                lines.get(lines.size() - 1), text);
        List<String> rounds = lines.stream().filter(l -> l.startsWith("graph round ")).toList();
        assertEquals(2, rounds.size(), text);
        for (String round : rounds) {
            assertTrue(round.matches("graph round +\\d+: killed node \\d \\(graph driver\\) at \\+[\\d.]+ s with a completed,"
                    + " .*; graph took [\\d.]+ s: exact, each stage's job created once"), round);
        }
    }
}
