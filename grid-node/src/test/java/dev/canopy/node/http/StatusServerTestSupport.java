package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.grid.Await;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskContext;
import dev.canopy.grid.TestCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

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
    final void stopCluster() {
        try {
            servers.forEach(StatusServer::close);
            cluster.close();
        } finally {
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

    Set<String> memberUuids() {
        return cluster.memberUuids().stream().map(UUID::toString).collect(Collectors.toSet());
    }

    // -------------------------------------------------------------------------------------- HTTP

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

    // ------------------------------------------------------------------------------------ waiting

    static void awaitTrue(String what, BooleanSupplier condition) {
        Await.awaitTrue(what, condition);
    }
}
