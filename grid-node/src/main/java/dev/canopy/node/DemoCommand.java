package dev.canopy.node;

import dev.canopy.examples.PiExample;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code grid demo}: the whole idea in one command, with no configuration. Starts {@value #NODES}
 * nodes in this JVM ({@link EmbeddedCluster}: loopback, free ports, a cluster name of its own),
 * runs the Monte Carlo pi job ({@link PiExample#job}) with a live progress bar, then prints the
 * estimate, the job's tree (depth, leaves per member) and the time taken, and closes the nodes.
 * Exits 0 when the estimate is as close to pi as the sample size promises.
 */
@Command(name = DemoCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Starts 3 nodes in this JVM and runs the Monte Carlo pi job with a live progress bar;"
                + " prints the result, the job's tree and the time taken. Needs no configuration."})
final class DemoCommand implements Callable<Integer> {

    static final String NAME = "demo";
    static final int NODES = 3;
    static final long RESULT_TIMEOUT_MINUTES = 30;

    private final Io io;

    @Option(names = "--quiet", description = "No progress bar.")
    private boolean quiet;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "200000",
            description = "Tasks in the pi job (default: ${DEFAULT-VALUE}).")
    private long tasks;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Random points drawn by each task (default: ${DEFAULT-VALUE}).")
    private int samples;

    DemoCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = io.out();
        if (tasks < 1 || samples < 1) {
            io.err().println("demo: --tasks and --samples must be >= 1 but were " + tasks + " and " + samples);
            return GridCommand.BAD_INPUT;
        }
        GridConfig base = Configs.node(null, io);
        long begin = System.nanoTime();
        out.printf("canopy demo: starting %d nodes in this JVM...%n", NODES);
        EmbeddedCluster cluster;
        try {
            cluster = EmbeddedCluster.start(NODES, base);
        } catch (RuntimeException e) {
            io.err().println("demo: could not start the embedded cluster: " + Errors.oneLine(e));
            return GridCommand.FAILED;
        }
        try (cluster) {
            GridNode node = cluster.nodes().get(0);
            out.printf("canopy demo: cluster '%s' of %d nodes at %s (%d worker threads each), up in %s%n",
                    cluster.clusterName(), NODES, String.join(", ", cluster.addresses()), base.workerThreads(),
                    ProgressBar.duration(seconds(begin)));
            double points = (double) tasks * samples;
            out.printf(Locale.ROOT, "pi: %,d tasks x %,d samples = %,.0f random points%n", tasks, samples, points);
            return run(node, points);
        } finally {
            out.printf("canopy demo: nodes closed; %s in all%n", ProgressBar.duration(seconds(begin)));
        }
    }

    private int run(GridNode node, double points) throws InterruptedException {
        PrintStream out = io.out();
        long start = System.nanoTime();
        JobHandle<Long> handle = node.submit(PiExample.job(tasks, samples));
        ProgressBar bar = new ProgressBar(out, "pi", ProgressBar.Mode.detect(quiet, io.tty()));
        long hits;
        ProgressBar.Following following = bar.follow(handle::progress);
        try {
            hits = handle.result().get(RESULT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            io.err().println("demo: the pi job failed: " + Errors.oneLine(e));
            return GridCommand.FAILED;
        } catch (TimeoutException e) {
            handle.cancel();
            io.err().println("demo: the pi job gave no result within " + RESULT_TIMEOUT_MINUTES
                    + " minutes; it was cancelled");
            return GridCommand.FAILED;
        } finally {
            following.close();
        }
        double seconds = seconds(start);

        double pi = 4.0 * hits / points;
        double error = pi - Math.PI;
        double tolerance = tolerance(points);
        boolean ok = Math.abs(error) < tolerance;
        JobProgress progress = handle.progress();
        TreeSummary tree = TreeSummary.of(node.hazelcast(), handle.id());
        out.printf(Locale.ROOT, "result: pi ~ %.6f (error %+.6f, %s the %.4f allowed for %,.0f points)%n",
                pi, error, ok ? "within" : "NOT within", tolerance, points);
        out.println("tree:   " + tree.describe());
        out.printf(Locale.ROOT, "time:   %s for %,d tasks (%,.0f tasks/s, %,.0f points/s)%n",
                ProgressBar.duration(seconds), progress.total(), tasks / seconds, points / seconds);
        return ok ? GridCommand.OK : GridCommand.FAILED;
    }

    /** 0.01, or six standard errors of the estimate when that is larger (few points). */
    static double tolerance(double points) {
        double p = Math.PI / 4;
        return Math.max(0.01, 6 * 4 * Math.sqrt(p * (1 - p) / points));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
