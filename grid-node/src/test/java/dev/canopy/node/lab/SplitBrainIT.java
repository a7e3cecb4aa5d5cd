package dev.canopy.node.lab;

import dev.canopy.grid.Await;
import dev.canopy.node.process.NodeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five nodes (h1 to h5) split 3 + 2 while a job runs, healed 30 s later, as issue 16 describes:
 * client A on h6 stays with the three, client B on h7 with the two. The job's top driver is on the
 * three; its record's partition owner, when another member, is put with the two, so that the two
 * hold a copy of the job.
 *
 * <p>The nodes run with the README's rule for a cluster across machines: {@code minClusterSize} 3 of 5
 * and {@code backupCount} 2. Canopy looks for a healed split every {@code maxNoHeartbeat} (at least
 * 5 s), so a heal is merged within seconds.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SplitBrainIT {

    private static final int TASKS = 6000;
    private static final Duration HEAL_AFTER = Duration.ofSeconds(30);
    /** How long after the heal a handle may still wait, and the grid may take to be whole again. */
    private static final Duration AFTER_HEAL = Duration.ofSeconds(90);

    private Lab lab;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void whenFiveHostsSplit3And2DuringAJob_andHealAfter30s_thenItEndsOnceExactly_andTheTwoDriveNothing()
            throws Exception {
        // given
        LabAssumptions.assumeFaults();
        lab = Lab.create(7, Path.of("target", "it-logs"));
        List<Host> nodeHosts = lab.hosts().subList(0, 5);
        // the README's rule: minClusterSize a majority, and backups on as many members as a minority holds
        LabGrid grid = LabGrid.start(lab, nodeHosts, Map.of("minClusterSize", "3", "backupCount", "2"));
        ClientProcess a = ClientProcess.start(lab, lab.host(6), "client-a-h6", grid.clientConfig());
        ClientProcess b = ClientProcess.start(lab, lab.host(7), "client-b-h7", grid.clientConfig());
        Await.awaitTrue("the clients to see 5 members", () -> a.ask("members").equals("members 5")
                && b.ask("members").equals("members 5"));
        Await.awaitTrue("the cluster to be safe", () -> a.ask("safe").equals("safe true"));
        String id = a.ask("submit split " + TASKS + " 20000 50").substring("submitted ".length());
        int top = grid.indexOf(Await.awaitFound("job " + id + " to get going", () -> {
            String topDriver = a.ask("topdriver " + id);
            return !topDriver.equals("topdriver none") && Long.parseLong(a.ask("progress " + id).split(" ")[1])
                    >= TASKS / 10 ? UUID.fromString(topDriver.substring("topdriver ".length())) : null;
        }));
        int owner = grid.indexOf(UUID.fromString(a.ask("owner " + id).substring("owner ".length())));
        List<Integer> twoSide = new ArrayList<>();
        if (owner != top) {
            twoSide.add(owner);
        }
        for (int i = 0; i < 5 && twoSide.size() < 2; i++) {
            if (i != top && !twoSide.contains(i)) {
                twoSide.add(i);
            }
        }
        List<Host> two = new ArrayList<>(twoSide.stream().map(nodeHosts::get).toList());
        List<Host> three = new ArrayList<>(nodeHosts.stream().filter(h -> !two.contains(h)).toList());
        three.add(lab.host(6));
        two.add(lab.host(7));

        // when
        lab.partition(three, two);
        CompletableFuture<Void> healed = new CompletableFuture<>();
        timer.schedule(() -> {
            lab.heal();
            healed.complete(null);
        }, HEAL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        Duration bound = HEAL_AFTER.plus(AFTER_HEAL);
        CompletableFuture<String> onTheTwo = CompletableFuture.supplyAsync(() -> b.ask("result " + id + " "
                + bound.toSeconds(), bound));
        String onTheThree = a.ask("result " + id + " " + bound.toSeconds(), bound);
        healed.get(HEAL_AFTER.toSeconds() + 30, TimeUnit.SECONDS);

        // then: each handle has the exact result by the heal plus a bound, never silence
        AcrossMachinesIT.assertExact(TASKS, onTheThree);
        AcrossMachinesIT.assertExact(TASKS, onTheTwo.get(bound.toSeconds() + 60, TimeUnit.SECONDS));
        Await.awaitTrue("the grid to be whole again", () -> a.ask("members").equals("members 5")
                && b.ask("members").equals("members 5"), AFTER_HEAL);
        assertEquals("jobs " + id + "=COMPLETED", a.ask("jobs", AFTER_HEAL), "one record of the job, completed");
        // the job ended once, and nothing on the two drove it
        // (a member logs this after writing the result first in its cluster: two lines, two ends)
        String ended = "Job " + id + " ('split') completed";
        long ends = grid.nodes().stream().mapToLong(n -> count(n, ended)).sum();
        assertTrue(ends <= 1, "'" + ended + "' logged " + ends + " times");
        for (int i : twoSide) {
            assertEquals(0, count(grid.node(i), "Took over job " + id), grid.node(i) + " took the job over");
        }
        // every member, the merged ones too, runs Canopy work again
        Await.awaitTrue("every member to run a Canopy engine", () -> Arrays.stream(a.ask("topology")
                .substring("topology ".length()).split(",")).allMatch(m -> m.endsWith("/2")), AFTER_HEAL);
    }

    private static long count(NodeProcess node, String text) {
        try {
            return Files.readAllLines(node.log()).stream().filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
