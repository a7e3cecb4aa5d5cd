package dev.canopy.node.http;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridConfigException;
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
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's HTTP status server:
 *
 * <pre>
 * GET  /                        the status page: members and their load, jobs with progress bars, a job's tree,
 *                               job graphs with their stages, live (self-contained, no external resource; polls
 *                               the API below every second)
 * GET  /metrics                 Prometheus text (format 0.0.4) of the node's meters
 * GET  /api/topology            {"members": [{uuid, address, workerThreads, busy, queuedLeaves, roles}]}
 * GET  /api/jobs?limit=&amp;offset=  {"jobs": [{id, name, state, progress: {total, done, failed, retried, running,
 *                                 depth, leaves}, submitted (ISO-8601), topDriver}], total, offset, limit}:
 *                               newest first, limit 0..1000 (default 100), offset &gt;= 0 (default 0)
 * GET  /api/jobs/{id}           the job as above plus tree: [{path, parentPath, leaf, member, state, attempt,
 *                                 tasks, done, children}], treeSize, treeTruncated
 * POST /api/jobs/{id}/cancel    {"id": ..., "cancelled": true | false (it had ended already)}
 * GET  /api/graphs?limit=&amp;offset=  {"graphs": [{id, name, state, submitted (ISO-8601), driver, stages: [{name,
 *                                 after, state, job, error, progress}]}], total, offset, limit}: newest first,
 *                               limit and offset as for jobs; a stage's job and progress are null until its job
 *                               exists, its progress is its job's as in /api/jobs
 * GET  /api/graphs/{id}         one graph as above
 * </pre>
 *
 * Every error is JSON {@code {"error": "<one line>", "status": <code>}}, never a stack trace or an
 * HTML page, and repeats at most 80 characters of any value from the request: 400 for a malformed
 * request, path escape ({@code %zz}), job or graph id (only the 36-character UUID text is one) or query
 * parameter (naming it, its value and what is allowed), 401 with {@code WWW-Authenticate: Bearer
 * realm="canopy"} for a request that lacks the token it needs, 403 for a cancel posted by another site's
 * page, 404 for an unknown job, graph or path (and for {@code /metrics} without a Prometheus registry), 405
 * with an {@code Allow} header for a wrong method, 421 for a Host it does not serve, 503 while the
 * node shuts down or when too many requests wait, 500 for anything else (its stack trace is logged
 * at WARN).
 *
 * <p><b>Host allow-list.</b> A request is answered only when its Host names the bind address,
 * {@code localhost}, a loopback address or one of {@code httpHosts} ({@code GridConfig.httpHosts()}),
 * or, when bound to {@code 0.0.0.0} or {@code ::}, one of this machine's interface addresses: a
 * page whose domain an attacker re-points to this machine (DNS rebinding) sends its own name and is
 * refused with 421. A cancel that carries an {@code Origin} must come from this server's own origin.
 *
 * <p><b>Token.</b> Started from a {@link GridConfig} with a cluster key ({@link #start(Grid,
 * MeterRegistry, GridConfig)}), a cancel needs {@code Authorization: Bearer <token>}, the token of
 * {@link GridConfig#httpToken()} ({@code bin/grid token} prints it), checked after the Host and the
 * Origin; with {@link GridConfig#httpReadsNeedToken()} every read but the page itself needs it too
 * (the page holds no data, and asks for the token when the API does). Without a key nothing needs one.
 *
 * <p><b>Limits</b> (so that a few slow or hostile clients cannot stall it): the request line at most
 * 8 KiB (else 414), request line and headers at most 16 KiB and 100 lines (else 431), a body at most
 * 16 KiB and only with a Content-Length (no endpoint reads one; a larger Content-Length is 413 at
 * once, before any of the body is read), the whole request within 10 s of connecting (else 408 and
 * the connection is closed), the answer read by the client within 30 s, at most 64 connections
 * open (past that the oldest one still sending its request is closed). Every answer closes its
 * connection. Requests are read without holding a thread (one selector thread for all
 * connections) and answered by 4 worker threads, each reading the grid afresh; at most 64 complete
 * requests wait for them (else 503). It does not use the JDK's {@code HttpServer}, whose limits are
 * JVM-wide system properties and which reads headers on its worker threads (see {@code HttpLoop}),
 * and it sets no system property.
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
 * <p>Thread-safe.
 */
public final class StatusServer implements AutoCloseable {

    /** Why a node cannot close its reads with {@code httpReadsNeedToken}: it has no key to derive a token from. */
    public static final String READS_NEED_A_KEY = "httpReadsNeedToken is true but no cluster key is set, so there is"
            + " no token to ask for: set clusterKeyFile (or CANOPY_CLUSTER_KEY), or set httpReadsNeedToken to false";


    /** Where the server listens unless told otherwise: loopback, so the grid stays private to the machine. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final int BACKLOG = 128;
    private static final long STOP_WAIT_MILLIS = 5_000;
    /** Ports {@link #start(Grid, MeterRegistry, GridConfig)} tries from {@code httpPort} upward. */
    static final int PORT_ATTEMPTS = 20;

    private final HttpLoop loop;
    private final Thread loopThread;
    private final ExecutorService workers;
    private final String host;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StatusServer(HttpLoop loop, Thread loopThread, ExecutorService workers, String host, int port) {
        this.loop = loop;
        this.loopThread = loopThread;
        this.workers = workers;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts serving {@code grid} on {@code host:port}, answering only to the bind address,
     * {@code localhost} and loopback addresses (see {@link #start(Grid, MeterRegistry, String, int, List)}).
     *
     * @param registryOrNull the registry {@code /metrics} scrapes; null takes a {@link GridNode}'s own
     *                       {@link GridNode#meterRegistry()} (and, for a client, leaves {@code /metrics} at 404)
     * @param host           address to bind, such as {@value #DEFAULT_HOST}; null means {@value #DEFAULT_HOST}
     * @param port           0 picks any free port; see {@link #port()}
     * @throws UncheckedIOException when the port cannot be bound (its cause is a {@link BindException}
     *                              when it is taken), naming the host and port
     */
    public static StatusServer start(Grid grid, MeterRegistry registryOrNull, String host, int port) {
        return start(grid, registryOrNull, host, port, List.of());
    }

    /**
     * As {@link #start(Grid, MeterRegistry, String, int)}, also answering to {@code httpHosts}: the
     * names or addresses, without ports, under which clients reach this server ({@code GridConfig.httpHosts()}).
     *
     * @throws IllegalArgumentException naming an entry of {@code httpHosts} that is not a host name or address
     */
    public static StatusServer start(Grid grid, MeterRegistry registryOrNull, String host, int port,
                                     List<String> httpHosts) {
        return start(grid, registryOrNull, host, port, httpHosts, HttpLimits.DEFAULTS);
    }

    /**
     * Starts serving {@code grid} as {@code config} says, as {@code bin/grid node} does: on its
     * {@code bindAddress}, on the first free one of {@value #PORT_ATTEMPTS} ports from {@code httpPort}
     * upward (any free port for 0), answering to its {@code httpHosts}; with a cluster key, a
     * cancel needs the {@link GridConfig#httpToken() token}, and so does every read with
     * {@code httpReadsNeedToken}. {@code httpEnabled} is the caller's to check.
     *
     * @throws IllegalArgumentException when {@code httpReadsNeedToken} is set without a cluster key,
     *                                  naming both, or for an {@code httpHosts} entry as above
     * @throws GridConfigException      when the cluster key file cannot be read
     * @throws UncheckedIOException     when no port can be bound, naming them
     */
    public static StatusServer start(Grid grid, MeterRegistry registryOrNull, GridConfig config) {
        Objects.requireNonNull(config, "config");
        TokenCheck tokens = TokenCheck.of(config.httpToken().orElse(null), config.httpReadsNeedToken());
        if (config.httpPort() == 0) {
            return start(grid, registryOrNull, config.bindAddress(), 0, config.httpHosts(), tokens,
                    HttpLimits.DEFAULTS);
        }
        return startFrom(grid, registryOrNull, config.bindAddress(), config.httpPort(), PORT_ATTEMPTS,
                config.httpHosts(), tokens);
    }

    static StatusServer start(Grid grid, MeterRegistry registryOrNull, String host, int port,
                              List<String> httpHosts, HttpLimits limits) {
        return start(grid, registryOrNull, host, port, httpHosts, TokenCheck.NONE, limits);
    }

    static StatusServer start(Grid grid, MeterRegistry registryOrNull, String host, int port,
                              List<String> httpHosts, TokenCheck tokens, HttpLimits limits) {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(httpHosts, "httpHosts must not be null: pass an empty list for none");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("httpPort must be between 0 and 65535 but was " + port);
        }
        String bindHost = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        HostCheck hosts = HostCheck.of(bindHost, httpHosts);
        MeterRegistry registry = registryOrNull != null ? registryOrNull
                : grid instanceof GridNode node ? node.meterRegistry() : null;
        HazelcastInstance hz = hazelcastOf(grid);
        StatusHandler handler = new StatusHandler(new StatusApi(grid, hz == null ? null : new JobTree(hz)), hosts,
                Objects.requireNonNull(tokens, "tokens"), prometheusOf(registry), registry == null ? null : registry.getClass().getName(), StatusPage.load());
        ServerSocketChannel channel = bind(bindHost, port);
        ExecutorService workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.queue()), daemonThreads("canopy-http-"));
        HttpLoop loop;
        try {
            loop = new HttpLoop(channel, handler, limits, workers);
        } catch (IOException e) {
            closeQuietly(channel);
            workers.shutdownNow();
            throw new UncheckedIOException("cannot serve HTTP status on " + bindHost + ":" + port + ": " + e, e);
        }
        Thread loopThread = daemonThreads("canopy-http-io").newThread(loop);
        loopThread.start();
        StatusServer started = new StatusServer(loop, loopThread, workers, bindHost,
                channel.socket().getLocalPort());
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
        return startFrom(grid, registryOrNull, host, firstPort, attempts, List.of());
    }

    /** As {@link #startFrom(Grid, MeterRegistry, String, int, int)}, also answering to {@code httpHosts}. */
    public static StatusServer startFrom(Grid grid, MeterRegistry registryOrNull, String host, int firstPort,
                                         int attempts, List<String> httpHosts) {
        return startFrom(grid, registryOrNull, host, firstPort, attempts, httpHosts, TokenCheck.NONE);
    }

    private static StatusServer startFrom(Grid grid, MeterRegistry registryOrNull, String host, int firstPort,
                                          int attempts, List<String> httpHosts, TokenCheck tokens) {
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
                return start(grid, registryOrNull, host, port, httpHosts, tokens, HttpLimits.DEFAULTS);
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
        return port;
    }

    /** The address of the status page, such as {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        try {
            return new URI("http", null, host, port(), "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URI for host " + host, e);
        }
    }

    /** Stops listening and closes every connection at once, then ends the server's threads (waiting up to 5 s each). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.stop();
        workers.shutdown();
        try {
            loopThread.join(STOP_WAIT_MILLIS);
            if (!workers.awaitTermination(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
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

    private static ServerSocketChannel bind(String bindHost, int port) {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(bindHost, port), BACKLOG);
            channel.configureBlocking(false);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot serve HTTP status on " + bindHost + ":" + port + ": "
                    + e.getMessage() + " (set httpPort to a free port, or 0 for any)", e);
        } catch (UnresolvedAddressException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot serve HTTP status on " + bindHost + ":" + port
                    + ": the host is unknown (set bindAddress to an address of this machine)",
                    new UnknownHostException(bindHost));
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {} failed: {}", channel, e.toString());
            }
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }
}
