package dev.canopy.node.bench;

import dev.canopy.grid.GridConfig;
import dev.canopy.node.EmbeddedCluster;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cluster key costs: the same one-task jobs and trivial-task job on two clusters of the same
 * size in this JVM, one without a key and one whose members and submitter sign and verify
 * everything (specs, messages, commits, results). Both clusters are up throughout and take turns,
 * in rotating order, so a drift of the machine (a GC, another process) falls on both alike; the
 * per-round figures are printed, so the noise shows next to the ratio.
 */
final class SigningBench {

    private static final int ROUNDS = 4;

    private final PrintStream out;

    SigningBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(int nodes, int latencyJobs, long tasks) throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        GridConfig keyed = GridConfig.defaults().clusterKey(Base64.getEncoder().encodeToString(secret));
        try (EmbeddedCluster plain = EmbeddedCluster.start(nodes, GridConfig.defaults());
             EmbeddedCluster signed = EmbeddedCluster.start(nodes, keyed)) {
            Bench without = new Bench(plain.nodes().get(0), plain.nodes().get(0).hazelcast());
            Bench with = new Bench(signed.nodes().get(0), signed.nodes().get(0).hazelcast());
            out.println();
            out.printf("Cluster key: %d members without a key and %d with one, in this JVM, taking turns%n", nodes,
                    nodes);
            // both clusters compile the job path before anything counts
            for (Bench bench : List.of(without, with)) {
                bench.canopyLatency(latencyJobs);
                bench.canopy(tasks / 10, 0);
                bench.canopy(tasks / 10, 0);
            }
            List<double[]> latencyWithout = new ArrayList<>();
            List<double[]> latencyWith = new ArrayList<>();
            List<Double> rateWithout = new ArrayList<>();
            List<Double> rateWith = new ArrayList<>();
            out.println("  round  p50 us no key / key   p99 us no key / key   tasks/s no key / key");
            for (int round = 0; round < ROUNDS; round++) {
                boolean keyFirst = round % 2 == 1;
                double[] l0;
                double[] l1;
                double r0;
                double r1;
                if (keyFirst) {
                    l1 = with.canopyLatency(latencyJobs);
                    l0 = without.canopyLatency(latencyJobs);
                    r1 = with.canopy(tasks, 0).perSecond();
                    r0 = without.canopy(tasks, 0).perSecond();
                } else {
                    l0 = without.canopyLatency(latencyJobs);
                    l1 = with.canopyLatency(latencyJobs);
                    r0 = without.canopy(tasks, 0).perSecond();
                    r1 = with.canopy(tasks, 0).perSecond();
                }
                latencyWithout.add(l0);
                latencyWith.add(l1);
                rateWithout.add(r0);
                rateWith.add(r1);
                out.printf("  %5d  %7.0f / %-7.0f     %7.0f / %-7.0f     %,12.0f / %,-12.0f%n", round + 1, l0[0], l1[0],
                        l0[1], l1[1], r0, r1);
            }
            double p50Without = median(latencyWithout.stream().mapToDouble(l -> l[0]).toArray());
            double p50With = median(latencyWith.stream().mapToDouble(l -> l[0]).toArray());
            double p99Without = median(latencyWithout.stream().mapToDouble(l -> l[1]).toArray());
            double p99With = median(latencyWith.stream().mapToDouble(l -> l[1]).toArray());
            double tputWithout = median(rateWithout.stream().mapToDouble(Double::doubleValue).toArray());
            double tputWith = median(rateWith.stream().mapToDouble(Double::doubleValue).toArray());
            out.printf("  median one-task job p50 %.0f us without a key, %.0f us with one: ratio %.2f%n", p50Without,
                    p50With, p50With / p50Without);
            out.printf("  median one-task job p99 %.0f us without a key, %.0f us with one: ratio %.2f%n", p99Without,
                    p99With, p99With / p99Without);
            out.printf("  median %,d-task throughput %,.0f tasks/s without a key, %,.0f with one: ratio %.2f%n", tasks,
                    tputWithout, tputWith, tputWith / tputWithout);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("rounds", ROUNDS);
            figures.put("latencyJobs", latencyJobs);
            figures.put("tasks", tasks);
            figures.put("p50MicrosWithout", p50Without);
            figures.put("p50MicrosWith", p50With);
            figures.put("p99MicrosWithout", p99Without);
            figures.put("p99MicrosWith", p99With);
            figures.put("tasksPerSecondWithout", tputWithout);
            figures.put("tasksPerSecondWith", tputWith);
            figures.put("p50Ratio", p50With / p50Without);
            figures.put("throughputRatio", tputWith / tputWithout);
            return figures;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
