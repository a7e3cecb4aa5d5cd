package dev.canopy.node.lab;

import dev.canopy.grid.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Running a cluster across machines", as written, on four lab hosts: three nodes
 * (h1 to h3) with {@code bindAddress} their host's address, the {@code members} list and a cluster
 * key, and a client on a fourth host (h4). Then the same grid with slow, lossy links.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AcrossMachinesIT {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(120);

    private static Lab lab;
    private static LabGrid grid;
    private static ClientProcess client;

    @BeforeAll
    static void startTheLab() throws Exception {
        LabAssumptions.assumeAvailable();
        lab = Lab.create(4, Path.of("target", "it-logs"));
        grid = LabGrid.start(lab, List.of(lab.host(1), lab.host(2), lab.host(3)), Map.of());
        client = ClientProcess.start(lab, lab.host(4), "client-h4", grid.clientConfig());
        Await.awaitTrue("the client to see 3 members", () -> client.ask("members").equals("members 3"));
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void whenNodesBindToTheirHostsAddressAndListTheMembers_thenAClientOnAnotherHostGetsTheExactResult() {
        // given: each node announced its own host's address, and they formed one cluster
        for (int i = 0; i < 3; i++) {
            assertEquals(lab.host(i + 1).address() + ":5701", grid.node(i).address(), grid.node(i).readyLine());
        }

        // when
        String id = submitted(client.ask("submit across 3000 0 50"));
        String result = client.ask("result " + id + " " + RESULT_WAIT.toSeconds(), RESULT_WAIT);

        // then
        assertExact(3000, result);
    }

    /**
     * Also measures throughput, not asserted: each round runs the job on the clean network, then on
     * the slow one. {@code -Dlab.rounds=N} runs more rounds, for a steadier figure on a busy machine.
     */
    @Test
    void whenLinksHave20msOfDelayAnd1PercentLoss_thenResultsStayExact() throws Exception {
        LabAssumptions.assumeSlowLinks();
        int tasks = 12_000;
        // a warm grid first: the first job of a JVM loads and compiles the code and would count against the clean run
        assertExact(tasks, runJob("warm-up", tasks));
        long cleanMillis = 0;
        long slowMillis = 0;
        for (int round = 0; round < Integer.getInteger("lab.rounds", 1); round++) {
            // given: a run on the clean network, for comparison
            String clean = runJob("clean", tasks);
            assertExact(tasks, clean);

            // when
            lab.slowLinks(Duration.ofMillis(20), 1.0);
            String slow;
            try {
                slow = runJob("slow", tasks);
            } finally {
                lab.fastLinks();
            }

            // then
            assertExact(tasks, slow);
            cleanMillis += millis(clean);
            slowMillis += millis(slow);
            System.out.printf(Locale.ROOT, "lab throughput, %d tasks of 0.5 ms on 3 nodes x 2 workers: clean %.0f"
                            + " tasks/s (%d ms), 20 ms + 1 %% loss %.0f tasks/s (%d ms), ratio %.2f%n", tasks,
                    tasks * 1000.0 / millis(clean), millis(clean), tasks * 1000.0 / millis(slow), millis(slow),
                    (double) millis(clean) / millis(slow));
        }
        System.out.printf(Locale.ROOT, "lab throughput with slow links, relative to clean: %.2f%n",
                (double) cleanMillis / slowMillis);
    }

    /** Submits the lab's job from the client on h4 and returns its {@code result} answer. */
    private static String runJob(String name, int tasks) {
        String id = submitted(client.ask("submit " + name + " " + tasks + " 500 50"));
        return client.ask("result " + id + " " + RESULT_WAIT.toSeconds(), RESULT_WAIT);
    }

    private static String submitted(String answer) {
        assertTrue(answer.startsWith("submitted "), answer);
        return answer.substring("submitted ".length());
    }

    /** Asserts a {@code result COUNTED SUM MILLIS} answer that counts each of {@code tasks} once. */
    static void assertExact(int tasks, String answer) {
        String[] words = answer.split(" ");
        assertEquals("result", words[0], answer);
        assertEquals(tasks, Integer.parseInt(words[1]), "tasks counted: " + answer);
        assertEquals(CountedJob.exactSum(tasks), Long.parseLong(words[2]), "the sum: " + answer);
    }

    private static long millis(String answer) {
        return Long.parseLong(answer.split(" ")[3]);
    }
}
