package dev.canopy.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.test.TestHazelcastInstanceFactory;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskContext;
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

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A two-member in-JVM cluster (Hazelcast's {@link TestHazelcastInstanceFactory}), each member with a
 * {@link GridNode} of two worker threads, its own {@link PrometheusMeterRegistry} and its own
 * {@link StatusServer} on a free loopback port. Built before and torn down after each test; every
 * wait is bounded by {@link #WAIT}.
 *
 * <p>Task lambdas are shipped between members: they call static methods only, never capture {@code this}.
 */
abstract class StatusServerTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private TestHazelcastInstanceFactory factory;
    final List<GridNode> nodes = new ArrayList<>();
    final List<PrometheusMeterRegistry> registries = new ArrayList<>();
    final List<StatusServer> servers = new ArrayList<>();
    private final List<JobHandle<?>> jobs = new ArrayList<>();

    @BeforeEach
    final void startCluster() {
        factory = new TestHazelcastInstanceFactory();
        Config config = new Config().setClusterName("canopy-http-test-" + UUID.randomUUID());
        for (int i = 0; i < 2; i++) {
            HazelcastInstance hz = factory.newHazelcastInstance(config);
            PrometheusMeterRegistry registry = StatusServer.newPrometheusRegistry();
            registries.add(registry);
            nodes.add(GridNode.attach(hz, GridConfig.defaults().workerThreads(2).meterRegistry(registry)));
        }
        awaitTrue("both members to see a cluster of 2", () -> nodes.stream()
                .allMatch(n -> n.hazelcast().getCluster().getMembers().size() == 2));
        for (GridNode node : nodes) {
            servers.add(StatusServer.start(node, null, StatusServer.DEFAULT_HOST, 0));
        }
    }

    @AfterEach
    final void stopCluster() {
        try {
            for (JobHandle<?> job : jobs) {
                cancelQuietly(job);
            }
            servers.forEach(StatusServer::close);
            for (GridNode node : nodes) {
                try {
                    node.close();
                } catch (RuntimeException e) {
                    System.err.println("closing " + node + " failed: " + e);
                }
            }
        } finally {
            jobs.clear();
            servers.clear();
            nodes.clear();
            if (factory != null) {
                factory.terminateAll();
            }
            registries.forEach(PrometheusMeterRegistry::close);
            registries.clear();
        }
    }

    private static void cancelQuietly(JobHandle<?> job) {
        try {
            job.cancel();
        } catch (RuntimeException e) {
            System.err.println("cancelling " + job.id() + " failed: " + e);
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
     * node; the job is cancelled after the test if it still runs.
     */
    JobHandle<Long> submitParkingJob(String name, long tasks, int leafSize) {
        JobHandle<Long> job = nodes.get(0).submit(Job.range(0, tasks, StatusServerTestSupport::parkFiveMillis)
                .reduce(Reducers.sumLong())
                .name(name)
                .leafSize(leafSize)
                .fanOut(4)
                .build());
        jobs.add(job);
        return job;
    }

    /** Waits until the job's tree, as the API shows it, has a leaf that is RUNNING; returns that answer. */
    JsonNode awaitRunningLeaf(JobHandle<?> job) {
        JsonNode[] last = new JsonNode[1];
        awaitTrue("job " + job.id() + " to show a running leaf in /api/jobs/{id}", () -> {
            HttpResponse<String> response = get(0, "/api/jobs/" + job.id());
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = json(response);
            for (JsonNode node : last[0].get("tree")) {
                if (node.get("leaf").asBoolean() && node.get("state").asText().equals("RUNNING")) {
                    return true;
                }
            }
            return false;
        });
        return last[0];
    }

    Set<String> memberUuids() {
        return nodes.get(0).hazelcast().getCluster().getMembers().stream()
                .map(m -> m.getUuid().toString())
                .collect(Collectors.toSet());
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
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + WAIT + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
