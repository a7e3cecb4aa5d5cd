package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.grid.Await;
import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.Task;
import dev.canopy.grid.TaskContext;
import dev.canopy.grid.TestCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A two-member {@link TestCluster} (grid-core's, one per test), each member with a {@link GridNode}
 * of two worker threads, its own {@link PrometheusMeterRegistry} and its own {@link StatusServer} on
 * a free loopback port. Built before and torn down after each test; every wait is bounded by
 * {@link #WAIT}.
 *
 * <p>Task lambdas are shipped between members: they call static methods only, never capture {@code this}.
 */
abstract class StatusServerTestSupport {

    static final Duration WAIT = Await.WAIT;
    static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final TestCluster cluster = new TestCluster("canopy-http-test");
    final List<GridNode> nodes = new ArrayList<>();
    final List<PrometheusMeterRegistry> registries = new ArrayList<>();
    final List<StatusServer> servers = new ArrayList<>();
    private final List<AutoCloseable> extras = new ArrayList<>();

    @BeforeEach
    final void startCluster() {
        nodes.addAll(cluster.start(2, () -> {
            PrometheusMeterRegistry registry = StatusServer.newPrometheusRegistry();
            registries.add(registry);
            return cluster.startMember(GridConfig.defaults().workerThreads(2).meterRegistry(registry));
        }));
        for (GridNode node : nodes) {
            servers.add(StatusServer.start(node, null, StatusServer.DEFAULT_HOST, 0));
        }
    }

    @AfterEach
    final void stopCluster() throws Exception {
        try {
            for (AutoCloseable extra : extras) {
                extra.close();
            }
            servers.forEach(StatusServer::close);
            cluster.close();
        } finally {
            extras.clear();
            servers.clear();
            nodes.clear();
            registries.forEach(PrometheusMeterRegistry::close);
            registries.clear();
        }
    }

    // -------------------------------------------------------------------------------------- jobs

    /** A task that parks for about 5 ms and counts one. */
    static long parkFiveMillis(long index, TaskContext ctx) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        return 1L;
    }

    /**
     * Submits {@code tasks} tasks of about 5 ms each in leaves of {@code leafSize}, from the first
     * node; the job is cancelled after the test if it still runs ({@link TestCluster#close()}).
     */
    JobHandle<Long> submitParkingJob(String name, long tasks, int leafSize) {
        return nodes.get(0).submit(Job.range(0, tasks, StatusServerTestSupport::parkFiveMillis)
                .reduce(Reducers.sumLong())
                .name(name)
                .leafSize(leafSize)
                .fanOut(4)
                .build());
    }

    /** Waits until the job's tree, as the API shows it, has a leaf that is RUNNING; returns that answer. */
    JsonNode awaitRunningLeaf(JobHandle<?> job) {
        return Await.awaitFound("job " + job.id() + " to show a running leaf in /api/jobs/{id}", () -> {
            HttpResponse<String> response = get(0, "/api/jobs/" + job.id());
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode answer = json(response);
            for (JsonNode node : answer.get("tree")) {
                if (node.get("leaf").asBoolean() && node.get("state").asText().equals("RUNNING")) {
                    return answer;
                }
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------ graphs

    /** A one-task job returning {@code value}. */
    static Job<Long, Long> constant(String name, long value) {
        return Job.of(List.<Task<Long>>of(ctx -> value)).reduce(Reducers.sumLong()).name(name).build();
    }

    /** A one-task job whose task throws {@code IllegalStateException("stage blew up")}, with one attempt. */
    static Job<Long, Long> failing(String name) {
        return Job.of(List.<Task<Long>>of(ctx -> {
            throw new IllegalStateException("stage blew up");
        })).reduce(Reducers.sumLong()).name(name).maxAttempts(1).build();
    }

    /**
     * a -> b, a -> c, b + c -> d: a sums 0..99 in 10 leaves (4950), b doubles it (9900), c adds one
     * (4951), d adds b and c (14851).
     */
    static JobGraph diamond(String name) {
        return JobGraph.builder(name)
                .stage("a", Job.range(0, 100, (i, ctx) -> i).reduce(Reducers.sumLong()).name(name + "-a").leafSize(10)
                        .build())
                .stage("b", in -> constant(name + "-b", 2 * in.<Long>get("a")), "a")
                .stage("c", in -> constant(name + "-c", in.<Long>get("a") + 1), "a")
                .stage("d", in -> constant(name + "-d", in.<Long>get("b") + in.<Long>get("c")), "b", "c")
                .build();
    }

    /** Submits {@code graph} from the first node and waits, with a bound, until it completed. */
    GraphHandle runGraph(JobGraph graph) {
        GraphHandle handle = nodes.get(0).submit(graph);
        Await.awaitResult(handle.result(), WAIT);
        return handle;
    }

    /** Waits until /api/graphs/{id} shows the graph in {@code state}; returns that answer. */
    JsonNode awaitGraphState(GraphHandle graph, String state) {
        return Await.awaitFound("graph " + graph.id() + " to show " + state + " in /api/graphs/{id}", () -> {
            HttpResponse<String> response = get(0, "/api/graphs/" + graph.id());
            return response.statusCode() == 200 && json(response).get("state").asText().equals(state)
                    ? json(response) : null;
        });
    }

    Set<String> memberUuids() {
        return cluster.memberUuids().stream().map(UUID::toString).collect(Collectors.toSet());
    }

    // -------------------------------------------------------------------------------------- HTTP

    /** A further server on the first node, on a free loopback port, closed after the test. */
    StatusServer startServer(List<String> httpHosts, HttpLimits limits) {
        StatusServer server = StatusServer.start(nodes.get(0), null, StatusServer.DEFAULT_HOST, 0, httpHosts, limits);
        extras.add(server);
        return server;
    }

    /** A further server on the first node, started from {@code config} as {@code bin/grid node} starts one; closed after the test. */
    StatusServer startServer(GridConfig config) {
        StatusServer server = StatusServer.start(nodes.get(0), null, config);
        extras.add(server);
        return server;
    }

    URI uri(int server, String path) {
        return servers.get(server).uri().resolve(path);
    }

    HttpResponse<String> get(int server, String path) {
        return send(HttpRequest.newBuilder(uri(server, path)).GET());
    }

    static HttpResponse<String> get(StatusServer server, String path) {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
    }

    HttpResponse<String> post(int server, String path) {
        return send(HttpRequest.newBuilder(uri(server, path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> request(int server, String method, String path) {
        return send(HttpRequest.newBuilder(uri(server, path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** GET with a request timeout of {@code timeout}: an answer that takes longer fails the test. */
    static HttpResponse<String> get(StatusServer server, String path, Duration timeout) {
        try {
            return HTTP.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " got no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during an HTTP request", e);
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during an HTTP request", e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** A JSON error of {@code status}: {"error": one line, no stack trace, "status": status}; returns the error. */
    static String assertError(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = json(response);
        assertEquals(status, body.get("status").asInt(), response.body());
        String error = body.get("error").asText();
        assertFalse(error.isBlank(), response.body());
        assertFalse(error.contains("\n") || error.contains("\tat "), "one line, no stack trace: " + error);
        return error;
    }

    /** As {@link #assertError} for an answer read from a raw socket. */
    static String assertRawError(String answer, int status) {
        assertEquals(status, statusOf(answer), answer);
        assertTrue(answer.contains("\r\nContent-Type: application/json"), answer);
        JsonNode body = jsonOf(answer);
        assertEquals(status, body.get("status").asInt(), answer);
        String error = body.get("error").asText();
        assertFalse(error.isBlank() || error.contains("\n"), answer);
        return error;
    }

    // ------------------------------------------------------------------------------ raw sockets

    /**
     * Connects to {@code server} and sends {@code bytes} (ISO-8859-1), leaving the socket open;
     * reads on it give up after {@link #WAIT}. Closed after the test.
     */
    Socket sendRaw(StatusServer server, String bytes) {
        try {
            Socket socket = new Socket();
            extras.add(socket);
            socket.connect(new InetSocketAddress(StatusServer.DEFAULT_HOST, server.port()), 5_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code request} as is and returns the whole answer, read until the server closes. */
    String exchangeRaw(StatusServer server, String request) {
        return readUntilClosed(sendRaw(server, request));
    }

    /**
     * What the server sent on {@code socket} until it closed the connection (end of stream or a
     * reset); fails when it is still open after {@link #WAIT}.
     */
    static String readUntilClosed(Socket socket) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + WAIT + "; it sent: "
                    + received.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // a reset: the server closed the connection
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The status code of a raw answer ({@code HTTP/1.1 200 OK ...}). */
    static int statusOf(String answer) {
        if (!answer.startsWith("HTTP/1.1 ")) {
            throw new AssertionError("not an HTTP answer: " + answer);
        }
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** The JSON body of a raw answer. */
    static JsonNode jsonOf(String answer) {
        int body = answer.indexOf("\r\n\r\n");
        try {
            return JSON.readTree(answer.substring(body + 4));
        } catch (IOException e) {
            throw new AssertionError("no JSON body in: " + answer, e);
        }
    }

    // ------------------------------------------------------------------------------------ waiting

    static void awaitTrue(String what, BooleanSupplier condition) {
        Await.awaitTrue(what, condition);
    }

    /** Waits, with a bound, for {@code job} to end, and fails unless it ended cancelled. */
    protected static void assertEndsCancelled(JobHandle<Long> job) {
        try {
            Long value = job.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            fail("expected a cancellation but the job completed with " + value);
        } catch (CancellationException expected) {
            // the job was cancelled
        } catch (ExecutionException e) {
            assertInstanceOf(CancellationException.class, e.getCause(), "how the job ended");
        } catch (TimeoutException e) {
            fail("the job did not end within " + WAIT + " of its cancel");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for the job to end");
        }
    }
}
