package dev.canopy.node.chaos;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.Grid;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.StageInfo;
import dev.canopy.grid.StageState;
import dev.canopy.grid.TaskContext;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The graph rounds of {@code bin/grid chaos}: per round a job graph of {@value #STAGES} stages, a
 * diamond and a tail ({@code a -> b, c -> d -> e}), each stage a job of {@value #TASKS} tasks that
 * take {@value #TASK_MILLIS} ms each; a {@code kill -9} of the member that drives the graph
 * ({@link GraphInfo#driver()}) once some stages have completed and others have not (after a, after b
 * and c, or after d, in turn, and a random moment up to half a stage more); the member's
 * restart; and three checks: the graph's result is exact (every stage computes from the results
 * before it, so a stage run on a wrong input shows), it ended within the bound, and each stage's job
 * was created once (the jobs {@link Grid#jobs()} lists under the stage's job name, unique per round).
 * Prints a line per round and a summary; one thread, the command's.
 */
final class GraphChaos {

    /** How many graph rounds, and how long a graph may take before it counts as hung. */
    record Plan(int rounds, long boundSeconds) {
    }

    static final int STAGES = 5;
    static final int TASKS = 4;
    static final long TASK_MILLIS = 1_500;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The stages whose completion a round waits for before its kill: round r takes the ((r - 1) % 3)th, so every third round each. */
    private static final List<List<String>> KILL_AFTER = List.of(List.of("a"), List.of("a", "b", "c"),
            List.of("a", "b", "c", "d"));

    private final NodeProcesses cluster;
    private final Grid grid;
    private final Plan plan;
    private final Random random;
    private final PrintStream out;

    private int kills;
    private int wrong;
    private int hung;
    private int createdTwice;

    GraphChaos(NodeProcesses cluster, Plan plan, Random random, PrintStream out) {
        this.cluster = cluster;
        this.grid = cluster.client();
        this.plan = plan;
        this.random = random;
        this.out = out;
    }

    /** Waits {@code millis} unless cancelled, and returns {@code base + index}: a stage sums to TASKS * base + TASKS(TASKS-1)/2. */
    record StageTask(long millis, long base) implements IndexTask<Long> {
        @Override
        public Long run(long index, TaskContext ctx) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() - end < 0 && !ctx.isCancelled()) {
                LockSupport.parkNanos(end - System.nanoTime());
            }
            return base + index;
        }
    }

    /**
     * The round's graph: a = sum(1); b = sum(a) and c = sum(2a) after a; d = sum(b + c) after both;
     * e = sum(d) after d, where sum(x) is the stage job over {@link StageTask}s of base x. Stage
     * {@code s}'s job is named {@code name-s}.
     */
    static JobGraph graph(String name) {
        return JobGraph.builder(name)
                .stage("a", stage(name, "a", 1))
                .stage("b", in -> stage(name, "b", in.<Long>get("a")), "a")
                .stage("c", in -> stage(name, "c", 2 * in.<Long>get("a")), "a")
                .stage("d", in -> stage(name, "d", in.<Long>get("b") + in.<Long>get("c")), "b", "c")
                .stage("e", in -> stage(name, "e", in.<Long>get("d")), "d")
                .build();
    }

    private static Job<Long, Long> stage(String graph, String stage, long base) {
        return Job.range(0, TASKS, new StageTask(TASK_MILLIS, base)).reduce(Reducers.sumLong()).name(graph + "-" + stage)
                .leafSize(1).build();
    }

    /** Every stage's result, computed here: what {@link #graph} must return. */
    static Map<String, Object> expected() {
        long a = sum(1);
        long b = sum(a);
        long c = sum(2 * a);
        long d = sum(b + c);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", a);
        expected.put("b", b);
        expected.put("c", c);
        expected.put("d", d);
        expected.put("e", sum(d));
        return expected;
    }

    private static long sum(long base) {
        long sum = 0;
        for (int i = 0; i < TASKS; i++) {
            sum += base + i;
        }
        return sum;
    }

    /** Runs a graph without kills, then every round; true when no result was wrong, no graph hung and no stage ran twice. */
    boolean run() throws Exception {
        long start = System.nanoTime();
        GraphHandle baseline = grid.submit(graph(uniqueName(0)));
        Map<String, Object> result = baseline.result().get(plan.boundSeconds(), TimeUnit.SECONDS);
        if (!result.equals(expected())) {
            throw new IllegalStateException("the baseline graph returned " + result + ", expected " + expected());
        }
        out.printf("baseline graph without kills (%d stages a -> b, c -> d -> e, %d tasks of %d ms each): %.2f s%n",
                STAGES, TASKS, TASK_MILLIS, (System.nanoTime() - start) / 1e9);
        for (int round = 1; round <= plan.rounds(); round++) {
            round(round);
            cluster.awaitSafe();
        }
        out.printf("graph rounds %d, graph driver kills %d, wrong results %d, hung graphs %d, stages created twice %d%n",
                plan.rounds(), kills, wrong, hung, createdTwice);
        return wrong == 0 && hung == 0 && createdTwice == 0;
    }

    private String uniqueName(int round) {
        return String.format("chaos-graph-%02d-%08x", round, random.nextInt());
    }

    /** One graph, its driver killed once the chosen stages have completed (and a random moment more), and its verdict. */
    private void round(int round) throws InterruptedException, IOException {
        String name = uniqueName(round);
        long start = System.nanoTime();
        GraphHandle graph = grid.submit(graph(name));
        List<String> after = KILL_AFTER.get((round - 1) % KILL_AFTER.size());
        Optional<GraphInfo> atKill = awaitCompleted(graph, after, start);
        if (atKill.isPresent()) {
            // a moment more: between two stages, or in the middle of the next ones; at most half a stage,
            // so that the last stage is still running when the wait for d is followed by this one
            waitFor(graph, random.nextInt((int) TASK_MILLIS / 2));
            atKill = info(graph.id());
        }
        String kill;
        NodeProcess restarted = null;
        GraphInfo seen = atKill.orElse(null);
        int victim = seen == null || seen.driver() == null ? -1 : cluster.indexOf(seen.driver());
        if (seen == null) {
            kill = "no kill (the grid did not list the graph)";
        } else if (seen.state().isTerminal()) {
            kill = "no kill (the graph ended first)";
        } else if (victim < 0) {
            kill = "no kill (its driver " + seen.driver() + " is no node of this run)";
        } else {
            cluster.node(victim).kill();
            kills++;
            kill = String.format("killed node %d (graph driver) at +%.2f s with %s", victim,
                    (System.nanoTime() - start) / 1e9, states(seen));
            restarted = cluster.restart(victim);
        }
        String verdict = verdict(graph);
        String creations = creations(name);
        out.printf("graph round %2d: %s; graph took %.2f s: %s, %s%n", round, kill, (System.nanoTime() - start) / 1e9,
                verdict, creations);
        if (restarted != null) {
            restarted.awaitReady();
        }
    }

    /** Polls the graph's line until every stage in {@code stages} has completed, or the graph ended, within the bound. */
    private Optional<GraphInfo> awaitCompleted(GraphHandle graph, List<String> stages, long start) {
        long deadline = start + TimeUnit.SECONDS.toNanos(plan.boundSeconds());
        while (System.nanoTime() - deadline < 0) {
            Optional<GraphInfo> info = info(graph.id());
            if (info.isPresent() && (info.get().state().isTerminal() || info.get().stages().stream()
                    .filter(s -> stages.contains(s.name())).allMatch(s -> s.state() == StageState.COMPLETED))) {
                return info;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return info(graph.id());
    }

    private Optional<GraphInfo> info(GraphId id) {
        try {
            return grid.graphs().stream().filter(g -> g.id().equals(id)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();  // a member is leaving: the caller reads again or goes on without it
        }
    }

    /** "a completed, b running, ...": the stages as the kill found them. */
    private static String states(GraphInfo info) {
        return info.stages().stream().map(s -> s.name() + " " + s.state().name().toLowerCase())
                .collect(Collectors.joining(", "));
    }

    /** Waits for the graph's result within the bound and says what it was; counts wrong and hung graphs. */
    private String verdict(GraphHandle graph) throws InterruptedException {
        Map<String, Object> expected = expected();
        try {
            Map<String, Object> result = graph.result().get(plan.boundSeconds(), TimeUnit.SECONDS);
            if (result.equals(expected)) {
                return "exact";
            }
            wrong++;
            return "WRONG: " + result + ", expected " + expected;
        } catch (TimeoutException e) {
            hung++;
            graph.cancel();
            return "HUNG after " + plan.boundSeconds() + " s";
        } catch (ExecutionException e) {
            wrong++;
            return "FAILED: " + e.getCause();
        }
    }

    /** How many jobs each stage's job name has in the grid's listing; counts the stages created more than once. */
    private String creations(String graphName) {
        Map<String, Long> jobs = grid.jobs().stream().map(JobInfo::name)
                .filter(n -> n != null && n.startsWith(graphName + "-"))
                .collect(Collectors.groupingBy(n -> n.substring(graphName.length() + 1), Collectors.counting()));
        List<String> twice = jobs.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " " + e.getValue() + " times").sorted().toList();
        createdTwice += twice.size();
        List<String> missing = expected().keySet().stream().filter(s -> !jobs.containsKey(s)).toList();
        if (twice.isEmpty() && missing.isEmpty()) {
            return "each stage's job created once";
        }
        return (twice.isEmpty() ? "" : "CREATED TWICE: " + String.join(", ", twice))
                + (missing.isEmpty() ? "" : (twice.isEmpty() ? "" : "; ") + "no job listed for " + String.join(", ", missing));
    }

    /** Waits up to {@code millis} for the graph to end. */
    private static void waitFor(GraphHandle graph, long millis) throws InterruptedException {
        try {
            graph.result().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the moment passed, or the graph ended: the caller reads which
        }
    }
}
