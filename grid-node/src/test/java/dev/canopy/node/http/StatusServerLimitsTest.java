package dev.canopy.node.http;

import dev.canopy.grid.JobHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What slow, large and malformed requests cost the status server, over real sockets: slow clients
 * hold no worker, sizes are refused early, and every refusal is a short JSON error.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StatusServerLimitsTest extends StatusServerTestSupport {

    /** More stalled clients than the server has workers. */
    private static final int STALLED = HttpLimits.DEFAULTS.workers() * 2 + 1;
    /** Well under the default request timeout (10 s): an answer within it did not wait for the stalled to go. */
    private static final Duration PROMPT = Duration.ofSeconds(5);

    @Test
    void whenMoreClientsStallMidHeaderThanThereAreWorkers_thenOthersAreAnsweredAndTheStalledGet408() {
        // given clients that sent half a header and stall
        StatusServer server = servers.get(0);
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            stalled.add(sendRaw(server, "GET /api/topology HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1"));
        }

        // when
        HttpResponse<String> topology = get(server, "/api/topology", PROMPT);

        // then the normal request is answered, and each stalled one is answered 408 and closed
        assertEquals(200, topology.statusCode(), topology.body());
        for (Socket socket : stalled) {
            String answer = readUntilClosed(socket);
            assertEquals("the request did not arrive within 10000 ms", assertRawError(answer, 408));
        }
    }

    @Test
    void whenMoreClientsStallThanConnectionsAreAllowed_thenTheOldestAreClosedAndOthersAnswered() {
        // given a server that keeps at most 8 connections, and 12 stalled clients
        HttpLimits d = HttpLimits.DEFAULTS;
        StatusServer server = startServer(List.of(), new HttpLimits(d.maxRequestLine(), d.maxHead(), d.maxHeaders(),
                d.maxBody(), d.requestTimeout(), d.responseTimeout(), d.linger(), 8, d.workers(), d.queue()));
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            stalled.add(sendRaw(server, "GET /api/topology HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1"));
        }

        // when
        HttpResponse<String> topology = get(server, "/api/topology", PROMPT);

        // then
        assertEquals(200, topology.statusCode(), topology.body());
        assertEquals("", readUntilClosed(stalled.get(0)), "the oldest stalled client was closed without an answer");
    }

    @Test
    void whenClientsDeclareHugeBodiesAndSendNone_thenEachGets413AtOnceAndOthersAreAnswered() {
        // given a running job, and clients that declare a terabyte body for its cancel
        JobHandle<Long> job = submitParkingJob("big-bodies", 20_000, 50);
        StatusServer server = servers.get(0);
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            clients.add(sendRaw(server, "POST /api/jobs/" + job.id() + "/cancel HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 1000000000000\r\n\r\n"));
        }

        // when
        HttpResponse<String> topology = get(server, "/api/topology", PROMPT);

        // then
        assertEquals(200, topology.statusCode(), topology.body());
        for (Socket socket : clients) {
            assertEquals("request body of 1000000000000 bytes is larger than 16384 bytes: no endpoint reads a body,"
                    + " send none", assertRawError(readUntilClosed(socket), 413));
        }
        assertFalse(job.result().isDone(), "no cancel was run");
    }

    @Test
    void whenHeadersAreOversized_thenRequestHeaderFieldsTooLarge() {
        // when
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(0, "/api/topology"))
                .header("X-Big", "a".repeat(20_000)).GET());

        // then
        assertEquals("request line and headers are longer than 16384 bytes", assertError(response, 431));
    }

    @Test
    void whenTooManyHeaderLines_thenRequestHeaderFieldsTooLarge() {
        // when
        String answer = exchangeRaw(servers.get(0), "GET /api/topology HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-A: 1\r\n".repeat(120) + "\r\n");

        // then
        assertEquals("request has 121 header lines, more than 100", assertRawError(answer, 431));
    }

    @Test
    void whenPathIsHuge_thenUriTooLongWithoutEchoingIt() {
        // when
        HttpResponse<String> response = get(0, "/api/jobs/" + "x".repeat(100_000));

        // then
        assertEquals("request line is longer than 8192 bytes", assertError(response, 414));
        assertTrue(response.body().length() < 200, response.body());
    }

    @Test
    void whenLongValuesAreEchoed_thenEachIsCutTo80Characters() {
        // given values of 5,000 characters, under the request line's limit
        String x = "x".repeat(5_000);

        // when
        String id = assertError(get(0, "/api/jobs/" + x), 400);
        String path = assertError(get(0, "/nope/" + x), 404);
        String limit = assertError(get(0, "/api/jobs?limit=" + x), 400);
        String method = assertError(request(0, "DELETE", "/api/" + x), 404);

        // then
        assertEquals("job id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '" + "x".repeat(80)
                + "...'", id);
        assertEquals("no such path /nope/" + "x".repeat(74) + "...: try /, /metrics, /api/topology, /api/jobs, "
                + "/api/jobs/{id}, /api/graphs, /api/graphs/{id} or POST /api/jobs/{id}/cancel", path);
        assertEquals("limit must be a whole number from 0 to 1000 but was '" + "x".repeat(80) + "...'", limit);
        assertTrue(method.length() < 250, method);
    }

    @Test
    void whenPathHasMalformedPercentEncoding_thenJsonBadRequest() {
        // when (java.net.URI refuses such a path, so it goes over a raw socket)
        String answer = exchangeRaw(servers.get(0), "GET /api/jobs/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        // then
        assertEquals("malformed percent-encoding in path /api/jobs/%zz: write % followed by two hex digits",
                assertRawError(answer, 400));
    }

    @Test
    void whenRequestIsMalformed_thenEachRefusalIsJson() {
        // given
        StatusServer server = servers.get(0);

        // when / then
        assertEquals("malformed request line 'HELLO': send METHOD /path HTTP/1.1",
                assertRawError(exchangeRaw(server, "HELLO\r\n\r\n"), 400));
        assertEquals("HTTP version HTTP/2.0 is not served: use HTTP/1.1",
                assertRawError(exchangeRaw(server, "GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n"), 505));
        assertEquals("an HTTP/1.1 request needs exactly one Host header but had 0",
                assertRawError(exchangeRaw(server, "GET / HTTP/1.1\r\n\r\n"), 400));
        assertEquals("request bodies must come with a Content-Length (no endpoint reads a body)",
                assertRawError(exchangeRaw(server, "POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 411));
        assertEquals("Content-Length must be one whole number of bytes but was '12a'",
                assertRawError(exchangeRaw(server, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12a\r\n\r\n"),
                        400));
    }

    @Test
    void whenASmallBodyIsSent_thenItIsReadAndTheRequestAnswered() {
        // when
        String answer = exchangeRaw(servers.get(0), "GET /api/topology HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 5\r\n\r\nhello");

        // then
        assertEquals(200, statusOf(answer), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertEquals(2, jsonOf(answer).get("members").size(), answer);
    }
}
