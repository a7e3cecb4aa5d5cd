package dev.canopy.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.node.EmbeddedCluster;
import dev.canopy.node.process.NodeProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bin/grid bench}: Canopy against what a user would pick instead, side by side, in one run
 * on the same members: (a) a Canopy range job, (b) Hazelcast's executor with one submit per task,
 * (c) the executor with one hand-made batch per member, (d) a parallel stream in one JVM. Then the
 * latency of a one-task job against a raw executor round trip, and how the top driver's messages
 * and heap grow with the job size; then, with members in this JVM, what shipping a job's code costs
 * ({@link ShippingBench}) and what a cluster key costs ({@link SigningBench}). Figures are printed,
 * never asserted.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Canopy against the raw Hazelcast executor and a local parallel stream.")
public final class BenchCommand implements Callable<Integer> {

    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--nodes", description = "Members to start (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int nodes;

    @Option(names = "--processes", description = "Run the members as separate JVMs; the benchmark joins them as a client.")
    boolean processes;

    @Option(names = "--tasks", description = "Tasks of the trivial-task runs (default: ${DEFAULT-VALUE}).", defaultValue = "10000000")
    long trivialTasks;

    @Option(names = "--quick", description = "Smaller sizes everywhere, for a smoke run.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON to FILE.")
    Path json;

    @Option(names = "--skip", split = ",", paramLabel = "PART",
            description = "Parts to leave out: throughput, latency, scale, shipping, signing (shipping and signing run only with members in this JVM).")
    List<String> skip = new ArrayList<>();

    public BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            err.println("--nodes must be >= 1 but was " + nodes);
            return 2;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        try (Contenders contenders = processes ? Contenders.processes(nodes, out) : Contenders.embedded(nodes)) {
            out.printf("Canopy bench: %d members %s over loopback, %d worker threads each, %d cores%n",
                    nodes, processes ? "in separate JVMs" : "in one JVM", Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors());
            report.put("setup", Map.of("members", nodes, "processes", processes,
                    "cores", Runtime.getRuntime().availableProcessors()));
            Bench bench = new Bench(contenders.grid(), contenders.hazelcast());
            BenchReport printer = new BenchReport(out, quick ? 100 : 1_000);
            if (!skip.contains("throughput")) {
                report.put("throughput", printer.throughput(bench, sizes()));
            }
            if (!skip.contains("latency")) {
                report.put("latency", printer.latency(bench, quick ? 200 : 1_000));
            }
            if (!skip.contains("scale")) {
                report.put("scale", printer.scale(bench, quick ? new long[] {10_000, 100_000, 1_000_000}
                        : new long[] {10_000, 100_000, 1_000_000, 10_000_000}));
            }
            if (!skip.contains("shipping") && !processes) {
                ShippingBench shipping = new ShippingBench(contenders.grid(), contenders.hazelcast(),
                        contenders.members());
                try {
                    report.put("shipping", shipping.run(out, trivialTasks / (quick ? 10 : 1), 20, quick ? 40 : 200));
                } finally {
                    shipping.deleteBuilds();
                }
            }
            if (!skip.contains("signing") && !processes) {
                report.put("signing", new SigningBench(out).run(nodes, quick ? 200 : 1_000,
                        trivialTasks / (quick ? 10 : 1)));
            }
        }
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            out.println("wrote " + json);
        }
        return 0;
    }

    private List<BenchReport.Size> sizes() {
        long scale = quick ? 10 : 1;
        return List.of(
                new BenchReport.Size("trivial", 0, trivialTasks / scale, 10_000 / scale),
                new BenchReport.Size("100us", 100_000, 40_000 / scale, 10_000 / scale),
                new BenchReport.Size("1ms", 1_000_000, 4_000 / scale, 2_000 / scale));
    }

    /**
     * The members under test, the handles the benchmark drives them through (a member, or a client
     * when the members are processes), and how to stop them.
     */
    record Contenders(Grid grid, HazelcastInstance hazelcast, List<HazelcastInstance> members, Runnable stop)
            implements AutoCloseable {

        static Contenders embedded(int nodes) {
            EmbeddedCluster cluster = EmbeddedCluster.start(nodes, GridConfig.defaults());
            GridNode first = cluster.nodes().get(0);
            return new Contenders(first, first.hazelcast(), cluster.nodes().stream().map(GridNode::hazelcast).toList(),
                    cluster::close);
        }

        static Contenders processes(int nodes, PrintStream out) {
            NodeProcesses cluster = NodeProcesses.start(nodes, NodeProcesses.Setup.tool(), out);
            GridClient client = cluster.client();
            return new Contenders(client, client.hazelcast(), List.of(), cluster::close);
        }

        @Override
        public void close() {
            stop.run();
        }
    }
}
