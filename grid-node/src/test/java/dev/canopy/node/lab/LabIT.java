package dev.canopy.node.lab;

import dev.canopy.grid.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab itself, without nodes: where its links and addresses live, what a partition cuts, and its teardown. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LabIT {

    private static final Path DIR = Path.of("target", "it-logs");
    /** Accepts and closes TCP connections on the host's address, port 7000, until killed. */
    private static final String LISTENER = "import socket, sys\n"
            + "s = socket.create_server((sys.argv[1], 7000))\n"
            + "print('listening', flush=True)\n"
            + "while True:\n"
            + "    s.accept()[0].close()\n";
    private static final String CONNECT = "import socket, sys\n"
            + "socket.create_connection((sys.argv[1], 7000), timeout=2).close()\n";

    @Test
    void whenALabIsMade_thenTheMachinesOwnNamespaceHoldsNoneOfIt_andCloseRemovesIt() {
        // given
        LabAssumptions.assumeAvailable();
        String linksBefore = linkNames();

        // when
        String id;
        try (Lab lab = Lab.create(3, DIR)) {
            id = lab.id();

            // then: each host has its address on its eth0; the machine's namespace has no lab address or link
            for (Host host : lab.hosts()) {
                assertTrue(Shell.run("ip", "-n", host.namespace(), "-o", "-4", "addr", "show", "dev", "eth0")
                        .contains(" " + host.address() + "/24 "), host.toString());
            }
            assertFalse(Shell.run("ip", "-o", "addr").contains(Lab.SUBNET), "no lab address in the machine's namespace");
            assertEquals(linksBefore, linkNames(), "no lab link in the machine's namespace");
        }
        assertFalse(Shell.run("ip", "netns", "list").contains(id), "the lab's namespaces are gone");
    }

    @Test
    void whenTwoHostsArePartitioned_thenNeitherReachesTheOther_whileBothReachAThird_untilTheHeal() throws Exception {
        // given: a listener on every host
        LabAssumptions.assumeSlowLinks();
        try (Lab lab = Lab.create(3, DIR)) {
            for (Host host : lab.hosts()) {
                Process listener = lab.start(new ProcessBuilder(host.command("python3", "-c", LISTENER, host.address()))
                        .redirectErrorStream(true));
                assertEquals("listening", new String(listener.getInputStream().readNBytes(9)), host.toString());
            }
            Host h1 = lab.host(1);
            Host h2 = lab.host(2);
            Host h3 = lab.host(3);
            assertTrue(connects(h1, h2) && connects(h2, h1), "connected before the partition");

            // when
            lab.partition(List.of(h1), List.of(h2));

            // then
            assertFalse(connects(h1, h2), "h1 reaches h2 across the partition");
            assertFalse(connects(h2, h1), "h2 reaches h1 across the partition");
            assertTrue(connects(h1, h3) && connects(h2, h3), "both reach h3");
            lab.heal();
            Await.awaitTrue("h1 and h2 to reach each other after the heal", () -> connects(h1, h2) && connects(h2, h1));
        }
    }

    /** Whether a TCP connection from {@code from} to {@code to} is accepted within two seconds. */
    private static boolean connects(Host from, Host to) {
        return Shell.tryRun(from.command("python3", "-c", CONNECT, to.address())).exitCode() == 0;
    }

    private static String linkNames() {
        return Shell.run("ip", "-o", "link").lines().map(line -> line.split(":")[1].trim()).sorted().toList().toString();
    }
}
