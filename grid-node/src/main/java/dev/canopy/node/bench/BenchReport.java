package dev.canopy.node.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the benchmark's parts in order and prints each as a table; returns the figures for JSON. */
final class BenchReport {

    /** One throughput row: a task cost, the task count of (a), (c) and (d), and the smaller count (b) can manage. */
    record Size(String label, long costNanos, long tasks, long rawTasks) {
    }

    private final PrintStream out;
    private final int trivialWarmUpRounds;

    /** @param trivialWarmUpRounds warm-up rounds of each contender before the trivial row (see {@link #warmUp}) */
    BenchReport(PrintStream out, int trivialWarmUpRounds) {
        this.out = out;
        this.trivialWarmUpRounds = trivialWarmUpRounds;
    }

    List<Map<String, Object>> throughput(Bench bench, List<Size> sizes) throws Exception {
        out.println();
        out.println("Throughput, tasks/s (a) Canopy range job, (b) raw executor one submit per task,");
        out.println("(c) raw executor one batch per member, (d) parallel stream in one JVM; after a warm-up,");
        out.println("the median of " + RUNS + " runs each");
        out.printf("%-8s %11s %13s %11s %13s %13s %9s %7s %6s%n",
                "cost", "tasks", "(a) canopy", "(b) raw", "(c) batches", "(d) stream", "a/b", "a/c", "a/d");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Size size : sizes) {
            warmUp(bench, size);
            Bench.Rate a = median(() -> bench.canopy(size.tasks(), size.costNanos()));
            Bench.Rate b = median(() -> bench.rawPerTask(size.rawTasks(), size.costNanos()));
            Bench.Rate c = median(() -> bench.rawBatches(size.tasks(), size.costNanos()));
            Bench.Rate d = median(() -> bench.localStream(size.tasks(), size.costNanos()));
            out.printf("%-8s %11d %13.0f %11.0f %13.0f %13.0f %9.1f %7.2f %6.2f%n", size.label(), size.tasks(),
                    a.perSecond(), b.perSecond(), c.perSecond(), d.perSecond(),
                    a.perSecond() / b.perSecond(), a.perSecond() / c.perSecond(), a.perSecond() / d.perSecond());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cost", size.label());
            row.put("tasks", size.tasks());
            row.put("rawTasks", size.rawTasks());
            row.put("canopyPerSecond", a.perSecond());
            row.put("rawPerTaskPerSecond", b.perSecond());
            row.put("rawBatchesPerSecond", c.perSecond());
            row.put("streamPerSecond", d.perSecond());
            row.put("a/b", a.perSecond() / b.perSecond());
            row.put("a/c", a.perSecond() / c.perSecond());
            row.put("a/d", a.perSecond() / d.perSecond());
            rows.add(row);
        }
        Size trivial = sizes.get(0);
        bench.canopyBoxed(Math.max(1, trivial.tasks() / 10), trivial.costNanos());
        Bench.Rate boxed = median(() -> bench.canopyBoxed(trivial.tasks(), trivial.costNanos()));
        out.printf("(a) runs Job.rangeToLong; with Job.range and a task returning a boxed Long, %s reaches %.0f tasks/s%n",
                trivial.label(), boxed.perSecond());
        rows.get(0).put("canopyBoxedPerSecond", boxed.perSecond());
        out.println("(b) runs " + trivial.rawTasks() + " tasks at most: at a few thousand tasks/s more would take minutes.");
        return rows;
    }

    /** Runs of each contender; the median is reported, so one unlucky run (a GC, a JIT pause) does not decide. */
    static final int RUNS = 5;

    interface Run {
        Bench.Rate measure() throws Exception;
    }

    private static Bench.Rate median(Run run) throws Exception {
        List<Bench.Rate> rates = new ArrayList<>(RUNS);
        for (int i = 0; i < RUNS; i++) {
            rates.add(run.measure());
        }
        rates.sort(java.util.Comparator.comparingDouble(Bench.Rate::perSecond));
        return rates.get(RUNS / 2);
    }

    /**
     * Each contender at a tenth of the size, as many rounds each, many for the cheap trivial row:
     * Hazelcast is a large code base that the JIT takes long to compile, while the batches' simpler
     * path warms up in a few rounds, so a short warm-up would measure the JIT as grid overhead (see
     * docs/BENCHMARKS.md for how long it takes).
     */
    private void warmUp(Bench bench, Size size) throws Exception {
        long tasks = Math.max(1, size.tasks() / 10);
        int rounds = size.costNanos() == 0 ? trivialWarmUpRounds : 1;
        for (int i = 0; i < rounds; i++) {
            bench.canopy(tasks, size.costNanos());
            bench.rawBatches(tasks, size.costNanos());
            bench.localStream(tasks, size.costNanos());
        }
        bench.rawPerTask(Math.max(1, size.rawTasks() / 10), size.costNanos());
    }

    private static final int LATENCY_WARM_UP_ROUNDS = 3;

    Map<String, Object> latency(Bench bench, int jobs) throws Exception {
        // warm-up runs, three times the measured ones: each member compiles the job path (with
        // --processes, each JVM on its own), and the first thousands of jobs ran several times slower
        bench.canopyLatency(LATENCY_WARM_UP_ROUNDS * jobs);
        bench.rawLatency(jobs);
        double[] raw = bench.rawLatency(jobs);
        double[] canopy = bench.canopyLatency(jobs);
        out.println();
        out.printf("Latency over %d runs each, microseconds  p50      p99%n", jobs);
        out.printf("  one-task Canopy job, submit to result  %7.0f  %7.0f%n", canopy[0], canopy[1]);
        out.printf("  raw executor round trip, remote member %7.0f  %7.0f%n", raw[0], raw[1]);
        out.printf("  ratio                                  %7.2f  %7.2f%n", canopy[0] / raw[0], canopy[1] / raw[1]);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("runs", jobs);
        figures.put("canopyP50Micros", canopy[0]);
        figures.put("canopyP99Micros", canopy[1]);
        figures.put("rawP50Micros", raw[0]);
        figures.put("rawP99Micros", raw[1]);
        figures.put("p50Ratio", canopy[0] / raw[0]);
        return figures;
    }

    List<Map<String, Object>> scale(Bench bench, long[] sizes) throws Exception {
        out.println();
        out.println("Scale: what the top driver's member handles per job (trivial tasks, default fan-out 16)");
        out.printf("%11s %6s %7s %9s %10s %12s %9s%n", "tasks", "depth", "leaves", "messages", "bytes",
                "heap growth", "seconds");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long tasks : sizes) {
            Bench.Scale s = bench.scale(tasks);
            out.printf("%11d %6d %7d %9d %10d %9.1f MB %9.2f%n", s.tasks(), s.depth(), s.leaves(), s.messages(),
                    s.bytes(), s.heapGrowthBytes() / 1e6, s.seconds());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tasks", s.tasks());
            row.put("depth", s.depth());
            row.put("leaves", s.leaves());
            row.put("topDriverMessages", s.messages());
            row.put("topDriverBytesSent", s.bytes());
            row.put("topDriverHeapGrowthBytes", s.heapGrowthBytes());
            row.put("seconds", s.seconds());
            rows.add(row);
        }
        out.println("Messages: control messages the top driver's member sent and received during the job;");
        out.println("heap growth: live heap (after a full GC) of the top driver's JVM, peak during the job over before it.");
        return rows;
    }
}
