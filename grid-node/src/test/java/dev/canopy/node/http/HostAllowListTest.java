package dev.canopy.node.http;

import dev.canopy.grid.JobHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Host allow-list that stops DNS rebinding, over raw sockets (java.net.http will not send a chosen Host). */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HostAllowListTest extends StatusServerTestSupport {

    @Test
    void whenARebindingPageCancelsWithItsOwnHostAsOrigin_thenMisdirectedAndTheJobRuns() {
        // given a running job, and a page of evil.example:8080 whose name now points to this machine
        JobHandle<Long> job = submitParkingJob("rebound", 20_000, 50);
        awaitRunningLeaf(job);

        // when it posts the cancel: its Origin equals its Host, which passed the old cross-site check
        String answer = exchangeRaw(servers.get(0), "POST /api/jobs/" + job.id() + "/cancel HTTP/1.1\r\n"
                + "Host: evil.example:8080\r\nOrigin: http://evil.example:8080\r\nContent-Length: 0\r\n\r\n");

        // then
        assertEquals("host 'evil.example:8080' is not served here: use localhost, loopback addresses or 127.0.0.1,"
                + " or add the name to httpHosts", assertRawError(answer, 421));
        assertFalse(job.result().isDone(), "the job still runs");
    }

    @Test
    void whenHostIsForeign_thenEveryPathIsMisdirected() {
        for (String path : new String[] {"/", "/metrics", "/api/topology", "/api/jobs", "/api/graphs"}) {
            // when
            String answer = exchangeRaw(servers.get(0), "GET " + path + " HTTP/1.1\r\nHost: evil.example\r\n\r\n");

            // then
            assertRawError(answer, 421);
        }
    }

    @Test
    void whenHostIsLocalLoopbackOrListed_thenAnswered() {
        // given a server that also answers to grid.example.com
        StatusServer server = startServer(List.of("grid.example.com"), HttpLimits.DEFAULTS);
        int port = server.port();

        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.2",
                "[::1]:" + port, "grid.example.com", "Grid.Example.Com:" + port}) {
            // when
            String answer = exchangeRaw(server, "GET /api/topology HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

            // then
            assertEquals(200, statusOf(answer), host + ": " + answer);
        }
        for (String host : new String[] {"other.example.com", "grid.example.com.evil.example", "10.1.2.3", "[::2]",
                "127.0.0.1:port", "127.0.0.1@evil.example"}) {
            assertRawError(exchangeRaw(server, "GET /api/topology HTTP/1.1\r\nHost: " + host + "\r\n\r\n"), 421);
        }
    }

    @Test
    void whenBoundToEveryInterface_thenThisMachinesAddressesAreAllowedAndOthersNot() throws Exception {
        // given an address of this machine's interfaces (read, nothing is sent)
        InetAddress own = null;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    own = a;
                }
            }
        }
        assumeTrue(own != null, "this machine has no non-loopback IPv4 address");

        // when (a check, not a server: a test binds loopback only)
        HostCheck check = HostCheck.of("0.0.0.0", List.of());

        // then
        assertTrue(check.allows(own.getHostAddress() + ":8080"), own.toString());
        assertTrue(check.allows("localhost"));
        assertFalse(check.allows("evil.example"));
        assertFalse(HostCheck.of("127.0.0.1", List.of()).allows(own.getHostAddress()), "bound to loopback only");
    }

    @Test
    void whenHttpHostsHoldsAPort_thenStartIsRefusedNamingIt() {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> startServer(List.of("grid.example.com:8080"), HttpLimits.DEFAULTS));

        // then
        assertEquals("httpHosts entries must be host names or addresses without ports (\"grid.example.com\", "
                + "\"10.0.0.5\", \"[::1]\") but one was 'grid.example.com:8080'", e.getMessage());
    }
}
