package dev.canopy.node.http;

import com.hazelcast.core.HazelcastInstance;
import com.sun.net.httpserver.HttpServer;
import dev.canopy.grid.Grid;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's HTTP status server, on the JDK's {@link HttpServer}:
 *
 * <pre>
 * GET  /                        the status page: members and their load, jobs with progress bars, a job's tree,
 *                               live (self-contained, no external resource; polls the API below every second)
 * GET  /metrics                 Prometheus text (format 0.0.4) of the node's meters
 * GET  /api/topology            {"members": [{uuid, address, workerThreads, busy, queuedLeaves, roles}]}
 * GET  /api/jobs                [{id, name, state, progress: {total, done, failed, retried, running, depth, leaves},
 *                                 submitted (ISO-8601), topDriver}]
 * GET  /api/jobs/{id}           the job as above plus tree: [{path, parentPath, leaf, member, state, attempt,
 *                                 tasks, done, children}], treeSize, treeTruncated
 * POST /api/jobs/{id}/cancel    {"id": ..., "cancelled": true | false (it had ended already)}
 * </pre>
 *
 * Every error is JSON {@code {"error": "<one line>", "status": <code>}}, never a stack trace: 400 for
 * a malformed job id, 404 for an unknown job or path (and for {@code /metrics} without a Prometheus
 * registry), 405 with an {@code Allow} header for a wrong method, 503 while the node shuts down, 500
 * for anything else (its stack trace is logged at WARN).
 *
 * <p><b>Metrics.</b> {@code /metrics} scrapes a {@link PrometheusMeterRegistry}: the registry given
 * to {@link #start}, or found inside it when it is a {@link CompositeMeterRegistry}. A node's own
 * default registry is not one, so a standalone node that serves metrics is configured with
 * {@code GridConfig.defaults().meterRegistry(StatusServer.newPrometheusRegistry())} and passes that
 * registry (or {@code node.meterRegistry()}) here.
 *
 * <p><b>Trees.</b> Reading a job's tree needs the grid's Hazelcast instance, taken from a
 * {@link GridNode} or a {@link GridClient}; for any other {@link Grid} the tree is empty. The query
 * runs on the member owning the job's partition (see {@link dev.canopy.grid.spi.JobTrees}).
 *
 * <p>Requests run on a small pool of daemon threads; each reads the grid afresh. Thread-safe.
 */
public final class StatusServer implements AutoCloseable {

    /** Where the server listens unless told otherwise: loopback, so the grid stays private to the machine. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final int THREADS = 4;
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String host;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StatusServer(HttpServer server, ExecutorService executor, String host) {
        this.server = server;
        this.executor = executor;
        this.host = host;
    }

    /**
     * Starts serving {@code grid} on {@code host:port}.
     *
     * @param registryOrNull the registry {@code /metrics} scrapes; null takes a {@link GridNode}'s own
     *                       {@link GridNode#meterRegistry()} (and, for a client, leaves {@code /metrics} at 404)
     * @param host           address to bind, such as {@value #DEFAULT_HOST}; null means {@value #DEFAULT_HOST}
     * @param port           0 picks any free port; see {@link #port()}
     * @throws UncheckedIOException when the port cannot be bound (its cause is a {@link BindException}
     *                              when it is taken), naming the host and port
     */
    public static StatusServer start(Grid grid, MeterRegistry registryOrNull, String host, int port) {
        Objects.requireNonNull(grid, "grid");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("httpPort must be between 0 and 65535 but was " + port);
        }
        String bindHost = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        MeterRegistry registry = registryOrNull != null ? registryOrNull
                : grid instanceof GridNode node ? node.meterRegistry() : null;
        HazelcastInstance hz = hazelcastOf(grid);
        StatusHandler handler = new StatusHandler(new StatusApi(grid, hz == null ? null : new JobTree(hz)),
                prometheusOf(registry), registry == null ? null : registry.getClass().getName(), StatusPage.load());
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindHost, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTP status on " + bindHost + ":" + port + ": "
                    + e.getMessage() + " (set httpPort to a free port, or 0 for any)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
        StatusServer started = new StatusServer(server, executor, bindHost);
        LOG.info("HTTP status at {}", started.uri());
        return started;
    }

    /**
     * Starts on the first free port of {@code firstPort}, {@code firstPort + 1}, ... trying
     * {@code attempts} ports: a standalone node serves from 8080 upward.
     *
     * @throws UncheckedIOException when none of them is free, naming the range
     */
    public static StatusServer startFrom(Grid grid, MeterRegistry registryOrNull, String host, int firstPort,
                                         int attempts) {
        if (firstPort < 1 || firstPort > 65535) {
            throw new IllegalArgumentException("httpPort must be between 1 and 65535 to search upward but was "
                    + firstPort);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1 but was " + attempts);
        }
        int lastPort = Math.min(65535, firstPort + attempts - 1);
        UncheckedIOException last = null;
        for (int port = firstPort; port <= lastPort; port++) {
            try {
                return start(grid, registryOrNull, host, port);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof BindException)) {
                    throw e;
                }
                last = e;
            }
        }
        throw new UncheckedIOException("cannot serve HTTP status on " + (host == null ? DEFAULT_HOST : host)
                + ": ports " + firstPort + ".." + lastPort + " are all taken (set httpPort to a free port)",
                last.getCause());
    }

    /**
     * A registry that {@code /metrics} can scrape, for a node to take as its own:
     * {@code GridConfig.defaults().meterRegistry(StatusServer.newPrometheusRegistry())}. Whoever
     * creates it closes it, after the node.
     */
    public static PrometheusMeterRegistry newPrometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** The port the server listens on (the one picked when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address of the status page, such as {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        try {
            return new URI("http", null, host, port(), "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URI for host " + host, e);
        }
    }

    /** Stops listening at once and ends the server's threads (waiting up to 5 s for requests in flight). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "StatusServer[" + uri() + "]";
    }

    private static HazelcastInstance hazelcastOf(Grid grid) {
        if (grid instanceof GridNode node) {
            return node.hazelcast();
        }
        if (grid instanceof GridClient client) {
            return client.hazelcast();
        }
        return null;
    }

    /** The Prometheus registry in {@code registry}: itself, or one inside a composite; null when none. */
    static PrometheusMeterRegistry prometheusOf(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return prometheus;
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry child : composite.getRegistries()) {
                PrometheusMeterRegistry found = prometheusOf(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "canopy-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
