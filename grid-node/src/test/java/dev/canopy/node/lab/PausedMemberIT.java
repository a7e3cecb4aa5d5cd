package dev.canopy.node.lab;

import dev.canopy.grid.Await;
import dev.canopy.node.process.NodeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member frozen as by a long GC pause ({@code SIGSTOP}) past {@code maxNoHeartbeat} while it runs
 * leaves of a job, then woken ({@code SIGCONT}): three nodes on lab hosts h1 to h3, a client on h4.
 * The others remove it and run its leaves again; its own late commits must not count twice.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PausedMemberIT {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(120);
    private static final int TASKS = 4000;

    private Lab lab;
    private LabGrid grid;
    private ClientProcess client;

    @BeforeEach
    void startTheLab() throws Exception {
        LabAssumptions.assumeAvailable();
        lab = Lab.create(4, Path.of("target", "it-logs"));
        // the README's rule for a cluster across machines: minClusterSize a majority (2 of 3)
        grid = LabGrid.start(lab, List.of(lab.host(1), lab.host(2), lab.host(3)), Map.of("minClusterSize", "2"));
        client = ClientProcess.start(lab, lab.host(4), "client-h4", grid.clientConfig());
        Await.awaitTrue("the client to see 3 members", () -> client.ask("members").equals("members 3"));
        Await.awaitTrue("the cluster to be safe", () -> client.ask("safe").equals("safe true"));
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void whenAWorkerIsFrozenPastMaxNoHeartbeatAndWakes_thenTheJobIsExactAndCountedOnce_andItRejoinsDrivingNothingAlone() {
        assertWokenMemberRejoins(false);
    }

    @Test
    void whenTheTopDriverIsFrozenAndWakes_thenTheOthersFinishTheJobOnce_andItRejoinsWithoutDrivingItAlone() {
        assertWokenMemberRejoins(true);
    }

    /**
     * Freezes a worker of a job, or its top driver, past maxNoHeartbeat, wakes it, and checks: the job
     * is exact and counted once (the job's reducer fails it on a second count), with the frozen
     * member's work given to the others; the woken member, alone and below minClusterSize, drives
     * nothing; it merges back and says so.
     */
    private void assertWokenMemberRejoins(boolean topDriver) {
        // given
        String id = submitted(client.ask("submit paused " + TASKS + " 4000 50"));
        UUID top = awaitRunning(id);
        NodeProcess worker = topDriver ? grid.node(grid.indexOf(top)) : aWorkerOf(id);
        pauseUntilRemoved(worker);
        Map<NodeProcess, Integer> beforeWaking = logLengths(grid.nodes());

        // when
        lab.resume(worker);
        AcrossMachinesIT.assertExact(TASKS, client.ask("result " + id + " " + RESULT_WAIT.toSeconds(), RESULT_WAIT));

        // then: a worker's work went to the others; back in the cluster under a new id, saying so; never
        // a job driven on its own
        String movedAway = "from member " + worker.memberId() + ", which left";
        assertTrue(topDriver || others(worker).stream().anyMatch(n -> logSince(n, Map.of()).contains(movedAway)),
                "the frozen worker's work was given to the others ('" + movedAway + "')");
        Await.awaitTrue("the woken node to rejoin", () -> others(worker).stream()
                .allMatch(n -> logSince(n, beforeWaking).contains("Members {size:3,")), Duration.ofSeconds(60));
        Await.awaitTrue("the woken node to say it merged back", () -> logSince(worker, beforeWaking)
                .contains("was split from the cluster and is merging back into it"), Duration.ofSeconds(30));
        assertEquals("progress " + TASKS + " " + TASKS, client.ask("progress " + id).replaceAll(" \\d+$", ""),
                "the job's record outlives it, with its final progress");
        String afterWaking = logSince(worker, beforeWaking);
        assertFalse(afterWaking.contains("Took over job " + id), afterWaking);
        assertFalse(afterWaking.contains("Job " + id + " ('paused') completed"), afterWaking);
    }

    /**
     * Freezes {@code worker} and waits until the other nodes have removed it, as their logs show:
     * the client's member list is no witness, since it learns of changes from one member, which may
     * be the frozen one (and then only after the client's own heartbeat timeout).
     */
    private void pauseUntilRemoved(NodeProcess worker) {
        Map<NodeProcess, Integer> beforePause = logLengths(grid.nodes());
        lab.pause(worker);
        Await.awaitTrue("the others to remove the frozen member", () -> others(worker).stream()
                .allMatch(n -> logSince(n, beforePause).contains("Members {size:2,")));
    }

    private List<NodeProcess> others(NodeProcess node) {
        return grid.nodes().stream().filter(n -> n != node).toList();
    }

    private static Map<NodeProcess, Integer> logLengths(List<NodeProcess> nodes) {
        Map<NodeProcess, Integer> lengths = new HashMap<>();
        nodes.forEach(n -> lengths.put(n, logSince(n, Map.of()).length()));
        return lengths;
    }

    /** What {@code node} logged after {@code marks} were taken ({@link #logLengths}); all of it if unmarked. */
    private static String logSince(NodeProcess node, Map<NodeProcess, Integer> marks) {
        try {
            String log = Files.readString(node.log());
            return log.substring(Math.min(log.length(), marks.getOrDefault(node, 0)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + node.log(), e);
        }
    }

    /** A node other than the job's top driver, once the job is a tenth done. */
    private NodeProcess aWorkerOf(String id) {
        UUID top = awaitRunning(id);
        return grid.node((grid.indexOf(top) + 1) % 3);
    }

    /** Waits until the job has a top driver and a tenth of its tasks are done, and returns the top driver. */
    private UUID awaitRunning(String id) {
        return Await.awaitFound("job " + id + " to get going", () -> {
            String[] progress = client.ask("progress " + id).split(" ");
            String top = client.ask("topdriver " + id);
            return !top.equals("topdriver none") && Long.parseLong(progress[1]) >= TASKS / 10
                    ? UUID.fromString(top.substring("topdriver ".length())) : null;
        });
    }

    private static String submitted(String answer) {
        assertTrue(answer.startsWith("submitted "), answer);
        return answer.substring("submitted ".length());
    }

}
