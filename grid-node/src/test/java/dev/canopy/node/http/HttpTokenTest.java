package dev.canopy.node.http;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.JobHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bearer token of a node with a cluster key: cancelling needs it, reads need it with
 * {@code httpReadsNeedToken}, and the Host and Origin checks still come first. Each test starts a
 * server of its own on the first node from a {@link GridConfig}, as {@code bin/grid node} does.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpTokenTest extends StatusServerTestSupport {

    private static final String SECRET = "a-test-cluster-key-of-at-least-32-characters";
    private static final String OTHER_SECRET = "another-cluster-key-of-at-least-32-characters";
    private static final String NEEDS_TOKEN = "send Authorization: Bearer <token>; `bin/grid token` prints it";

    @Test
    void whenCancelLacksTheToken_thenUnauthorizedWithAChallengeAndTheJobRuns() {
        // given
        StatusServer server = startServer(keyed());
        JobHandle<Long> job = submitParkingJob("guarded", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        HttpResponse<String> response = cancel(server, job, null);

        // then
        assertEquals("cancelling a job needs this node's token: " + NEEDS_TOKEN, assertError(response, 401));
        assertEquals("Bearer realm=\"canopy\"", response.headers().firstValue("WWW-Authenticate").orElse(null));
        assertFalse(job.result().isDone(), "the job still runs");
    }

    @Test
    void whenCancelCarriesTheToken_thenTheJobEndsCancelled() {
        // given
        StatusServer server = startServer(keyed());
        JobHandle<Long> job = submitParkingJob("cancel-me", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        HttpResponse<String> response = cancel(server, job, "Bearer " + token(SECRET));

        // then
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).get("cancelled").asBoolean(), response.body());
        assertEndsCancelled(job);
        awaitTrue("the job to show CANCELLED", () ->
                json(get(server, "/api/jobs/" + job.id())).get("state").asText().equals("CANCELLED"));
    }

    @Test
    void whenCancelCarriesAWrongToken_thenUnauthorizedAndTheJobRuns() {
        // given
        StatusServer server = startServer(keyed());
        JobHandle<Long> job = submitParkingJob("guarded", 20_000, 50);
        awaitRunningLeaf(job);
        String right = token(SECRET);

        // when
        HttpResponse<String> otherKeys = cancel(server, job, "Bearer " + token(OTHER_SECRET));
        HttpResponse<String> truncated = cancel(server, job, "Bearer " + right.substring(0, right.length() - 1));
        HttpResponse<String> notBearer = cancel(server, job, "Basic " + right);

        // then
        assertEquals("the token sent is not this node's: " + NEEDS_TOKEN, assertError(otherKeys, 401));
        assertEquals("the token sent is not this node's: " + NEEDS_TOKEN, assertError(truncated, 401));
        assertEquals("Authorization is not a Bearer token: " + NEEDS_TOKEN, assertError(notBearer, 401));
        assertEquals("Bearer realm=\"canopy\"", otherKeys.headers().firstValue("WWW-Authenticate").orElse(null));
        assertFalse(job.result().isDone(), "the job still runs");
    }

    @Test
    void whenAnotherSitesPageCancelsWithTheToken_thenForbiddenAndTheJobRuns() {
        // given
        StatusServer server = startServer(keyed());
        JobHandle<Long> job = submitParkingJob("guarded", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri().resolve("/api/jobs/" + job.id()
                        + "/cancel")).header("Origin", "http://attacker.example")
                .header("Authorization", "Bearer " + token(SECRET)).POST(HttpRequest.BodyPublishers.noBody()));

        // then
        assertTrue(assertError(response, 403).startsWith("cross-origin request from http://attacker.example refused"),
                response.body());
        assertFalse(job.result().isDone(), "the job still runs");
    }

    @Test
    void whenANonServedHostCancelsWithTheToken_thenMisdirectedAndTheJobRuns() {
        // given
        StatusServer server = startServer(keyed());
        JobHandle<Long> job = submitParkingJob("guarded", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        String answer = exchangeRaw(server, "POST /api/jobs/" + job.id() + "/cancel HTTP/1.1\r\n"
                + "Host: evil.example\r\nAuthorization: Bearer " + token(SECRET) + "\r\nContent-Length: 0\r\n\r\n");

        // then
        assertRawError(answer, 421);
        assertFalse(job.result().isDone(), "the job still runs");
    }

    @Test
    void whenTheNodeHasNoKey_thenCancelNeedsNoToken() {
        // given a server started from a configuration without a key
        StatusServer server = startServer(GridConfig.defaults().httpPort(0));
        JobHandle<Long> job = submitParkingJob("open", 20_000, 50);
        awaitRunningLeaf(job);

        // when
        HttpResponse<String> response = cancel(server, job, null);

        // then
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).get("cancelled").asBoolean(), response.body());
        assertEndsCancelled(job);
    }

    @Test
    void whenTheNodeHasAKey_thenReadsStayOpenByDefault() {
        // given
        StatusServer server = startServer(keyed());

        for (String path : new String[] {"/", "/api/topology", "/api/jobs", "/api/graphs", "/metrics"}) {
            // when
            HttpResponse<String> response = get(server, path);

            // then
            assertEquals(200, response.statusCode(), path + ": " + response.body());
        }
    }

    @Test
    void whenReadsNeedTheToken_thenReadsWithoutItAreUnauthorizedAndWithItAnswered() {
        // given
        StatusServer server = startServer(keyed().httpReadsNeedToken(true));
        JobHandle<Long> job = submitParkingJob("read-me", 20_000, 50);
        GraphHandle graph = runGraph(diamond("read-me-too"));

        for (String path : new String[] {"/api/topology", "/api/jobs", "/api/jobs/" + job.id(), "/api/graphs",
                "/api/graphs/" + graph.id(), "/metrics"}) {
            // when
            HttpResponse<String> without = get(server, path);
            HttpResponse<String> wrong = send(HttpRequest.newBuilder(server.uri().resolve(path))
                    .header("Authorization", "Bearer " + token(OTHER_SECRET)).GET());
            HttpResponse<String> with = send(HttpRequest.newBuilder(server.uri().resolve(path))
                    .header("Authorization", "Bearer " + token(SECRET)).GET());

            // then
            assertEquals("reading this node's status needs this node's token: " + NEEDS_TOKEN,
                    assertError(without, 401), path);
            assertEquals("Bearer realm=\"canopy\"", without.headers().firstValue("WWW-Authenticate").orElse(null));
            assertError(wrong, 401);
            assertEquals(200, with.statusCode(), path + ": " + with.body());
        }
        // the page holds no data (its script asks for the token), so it is served without one
        HttpResponse<String> page = get(server, "/");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<title>Canopy status</title>"), page.body());
    }

    @Test
    void whenReadsNeedTheTokenButThereIsNoKey_thenStartIsRefusedNamingBothKeys() {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> startServer(GridConfig.defaults().httpPort(0).httpReadsNeedToken(true)));

        // then
        assertEquals("httpReadsNeedToken is true but no cluster key is set, so there is no token to ask for: set"
                + " clusterKeyFile (or CANOPY_CLUSTER_KEY), or set httpReadsNeedToken to false", e.getMessage());
    }

    private static GridConfig keyed() {
        return GridConfig.defaults().httpPort(0).clusterKey(SECRET);
    }

    private static String token(String secret) {
        return GridConfig.defaults().clusterKey(secret).httpToken().orElseThrow();
    }

    /** POST .../cancel with {@code authorization} as its Authorization header, or none when null. */
    private static HttpResponse<String> cancel(StatusServer server, JobHandle<?> job, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve("/api/jobs/" + job.id() + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }
}
