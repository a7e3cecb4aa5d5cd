package dev.canopy.node.chaos;

import dev.canopy.node.GridCommand;
import dev.canopy.node.lab.Lab;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code grid chaos --faults kill,pause,partition,latency} as a user runs it: the command makes a
 * network lab, runs itself again on one of its hosts, and that run starts three nodes on the others
 * and strikes each of four jobs with one of the faults. Every job ends exactly, each fault struck, and
 * the lab is gone afterwards. Needs root and iptables-legacy, as the command does; skipped with one
 * line where they are missing.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ChaosFaultsIT {

    @Test
    void whenFourRoundsMixEveryFault_thenEachStrikesItsJob_andEveryResultIsExact() {
        // given
        String missing = Lab.missing(Lab.Need.SLOW_LINKS);
        Assumptions.assumeTrue(missing == null, () -> "network lab skipped: " + missing);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // when
        int code;
        // the command makes the lab and runs the rounds in a JVM of its own on a lab host
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new GridCommand(o, e).execute("chaos", "--nodes", "3", "--rounds", "4", "--graphs", "0",
                    "--faults", "kill,pause,partition,latency", "--fault-seconds", "10", "--tasks", "100000",
                    "--seed", "16", "--bound", "120");
        }

        // then: each fault struck its job mid-way, and every result was exact
        String text = out.toString(StandardCharsets.UTF_8) + "--- err ---\n" + err.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(GridCommand.OK, code, text);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).startsWith("chaos: made lab "), text);
        List<String> rounds = lines.stream().filter(l -> l.startsWith("round ")).toList();
        assertEquals(4, rounds.size(), text);
        for (String round : rounds) {
            assertTrue(round.endsWith("): exact"), round);
            assertTrue(round.matches("round +\\d, (latency: links slowed by 20 ms and 1 % loss|kill: killed node \\d.*"
                    + "|pause: paused node \\d.* for 10 s|partition: split nodes \\[\\d\\].* healed after 10 s);.*"), round);
        }
        assertTrue(lines.contains("rounds 4, wrong results 0, hung jobs 0"), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("kill: 1 rounds, 1 kills")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("pause: 1 rounds, 1 pauses")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("partition: 1 rounds, 1 splits")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("latency: 1 rounds, throughput ")), text);
        // the lab is gone: its namespaces, named after it, are no longer listed
        String lab = lines.get(0).split(" ")[3];
        assertTrue(!namespaces().contains(lab), lab + " is still listed:\n" + namespaces());
    }

    private static String namespaces() {
        try {
            Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String text = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(list.waitFor(10, TimeUnit.SECONDS), "ip netns list did not end");
            return text;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
