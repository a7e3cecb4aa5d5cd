package dev.canopy.node;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.node.http.StatusServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code grid node}: runs one Canopy node in this process until SIGTERM or Ctrl-C, then leaves the
 * grid cleanly ({@link GridNode#close()}: queued leaves move, running ones finish, driven jobs are
 * handed over), within {@value #STOP_TIMEOUT_SECONDS} s.
 *
 * <p>Prints {@code canopy node ready: member <uuid> at <host:port> (cluster '<name>')} on standard
 * output once the member has joined: scripts and tests wait for that line. A configuration that
 * cannot be used prints one line naming the file, key, value and what is allowed, and exits with 2.
 *
 * <p>When a task leaves the member unfit to go on (it ran the JVM out of memory: see
 * {@link GridNode#fatalError()}), the node stops its JVM cleanly, through the same graceful close,
 * and exits with {@value #FATAL_EXIT}: a process manager restarts it with a fresh heap, and the
 * other members recover its work.
 */
@Command(name = NodeCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Runs a Canopy node until SIGTERM or Ctrl-C; a clean stop hands its work over.",
                "Without --config every key has its default (cluster 'canopy' on 127.0.0.1:5701);"
                        + " CANOPY_<KEY> environment variables and -Dcanopy.<key> system properties override"
                        + " the file (see config/README.md)."})
final class NodeCommand implements Callable<Integer> {

    static final String NAME = "node";
    static final String READY = "canopy node ready:";
    static final long STOP_TIMEOUT_SECONDS = 45;
    /** The exit code after a task left the member unfit to go on. */
    static final int FATAL_EXIT = 3;

    private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

    private final Io io;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Node configuration, YAML or JSON (JSON when the name ends in .json), e.g. config/node.yaml.")
    private Path config;

    NodeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        GridConfig gridConfig = Configs.node(config, io);
        // our hook closes the node gracefully; Hazelcast's own would terminate the member first
        if (System.getProperty("hazelcast.shutdownhook.enabled") == null) {
            System.setProperty("hazelcast.shutdownhook.enabled", "false");
        }
        if (gridConfig.exitGuard() && ExitGuard.install()) {
            LOG.info("exitGuard: tasks that call System.exit or Runtime.halt fail instead of ending this node");
        }
        PrometheusMeterRegistry prometheus = null;
        if (gridConfig.metricsEnabled() && gridConfig.meterRegistry().isEmpty()) {
            prometheus = StatusServer.newPrometheusRegistry();
            gridConfig.meterRegistry(prometheus);
        }
        GridNode node;
        try {
            node = GridNode.start(gridConfig);
        } catch (RuntimeException e) {
            io.err().println("canopy node: could not start a member of cluster '" + gridConfig.clusterName()
                    + "' on " + gridConfig.bindAddress() + ":" + gridConfig.port() + ": " + Errors.oneLine(e));
            return GridCommand.FAILED;
        }
        UUID id = node.memberId();
        CountDownLatch down = new CountDownLatch(1);
        node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.SHUTDOWN) {
                down.countDown();
            }
        });
        StatusServer http = startStatusServer(node, gridConfig, prometheus);
        Stopper stopper = new Stopper(node, http, prometheus);
        Runtime.getRuntime().addShutdownHook(new Thread(stopper, "canopy-node-stop"));
        // the exit runs in this thread's group: the error is met on a worker, whose threads the exit guard stops
        ThreadGroup nodeThreads = Thread.currentThread().getThreadGroup();
        node.onFatalError(error -> exitOnFatalError(error, nodeThreads));

        Address address = node.hazelcast().getCluster().getLocalMember().getAddress();
        String where = address.getHost() + ":" + address.getPort();
        int size = node.hazelcast().getCluster().getMembers().size();
        LOG.info("Canopy node {} started at {} in cluster '{}' ({} members, {} worker threads)", id,
                where, gridConfig.clusterName(), size, gridConfig.workerThreads());
        io.out().println(READY + " member " + id + " at " + where
                + " (cluster '" + gridConfig.clusterName() + "')" + (http == null ? "" : ", status at " + http.uri()));
        io.out().flush();

        if (!node.hazelcast().getLifecycleService().isRunning()) {
            down.countDown();
        }
        down.await();
        if (stopper.started()) {
            // SIGTERM or Ctrl-C: the JVM exits once the stop hook is done
            stopper.awaitDone();
            return GridCommand.OK;
        }
        io.err().println("canopy node: the Hazelcast member of node " + id + " shut down unexpectedly");
        return GridCommand.FAILED;
    }

    /** A task left this member unfit to go on: stop the JVM cleanly, off the thread that met the error. */
    private static void exitOnFatalError(Throwable error, ThreadGroup group) {
        LOG.error("This member is unfit to go on after {}; stopping its JVM cleanly (exit code {}) so the other"
                + " members recover its work", error.toString(), FATAL_EXIT);
        Thread exit = new Thread(group, () -> System.exit(FATAL_EXIT), "canopy-node-fatal-exit");
        exit.setDaemon(false);
        exit.start();
    }

    /** The status page and {@code /metrics}, or null when off or when they cannot start (said once: the node works without). */
    private StatusServer startStatusServer(GridNode node, GridConfig gridConfig, PrometheusMeterRegistry prometheus) {
        if (!gridConfig.httpEnabled()) {
            return null;
        }
        try {
            StatusServer http = StatusServer.start(node, prometheus, gridConfig);
            LOG.info("Status page and /metrics at {}{}", http.uri(), !gridConfig.hasClusterKey() ? ""
                    : gridConfig.httpReadsNeedToken() ? "; reading and cancelling need the token (bin/grid token)"
                    : "; cancelling needs the token (bin/grid token)");
            return http;
        } catch (RuntimeException e) {
            io.err().println("canopy node: no HTTP status server: " + Errors.oneLine(e)
                    + " (set httpPort, or httpEnabled: false)");
            return null;
        }
    }

    /** The shutdown hook: closes the node, or terminates it when closing takes too long. */
    private static final class Stopper implements Runnable {
        private final GridNode node;
        private final StatusServer http;
        private final MeterRegistry registry;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean started;

        Stopper(GridNode node, StatusServer http, MeterRegistry registry) {
            this.node = node;
            this.http = http;
            this.registry = registry;
        }

        boolean started() {
            return started;
        }

        void awaitDone() throws InterruptedException {
            done.await(STOP_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
        }

        @Override
        public void run() {
            started = true;
            try {
                if (!node.hazelcast().getLifecycleService().isRunning()) {
                    return;
                }
                LOG.info("Canopy node {} stopping: handing its work over (at most {} s)", node.memberId(),
                        STOP_TIMEOUT_SECONDS);
                if (http != null) {
                    http.close();
                }
                Thread closer = new Thread(() -> {
                    try {
                        node.close();
                    } catch (RuntimeException e) {
                        LOG.warn("Closing the node failed; terminating it", e);
                    }
                }, "canopy-node-close");
                closer.setDaemon(true);
                closer.start();
                closer.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
                if (closer.isAlive() || node.hazelcast().getLifecycleService().isRunning()) {
                    LOG.warn("Canopy node did not stop within {} s; terminating its member", STOP_TIMEOUT_SECONDS);
                    node.hazelcast().getLifecycleService().terminate();
                } else {
                    LOG.info("Canopy node stopped");
                    if (registry != null) {
                        registry.close();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.hazelcast().getLifecycleService().terminate();
            } finally {
                done.countDown();
            }
        }
    }
}
