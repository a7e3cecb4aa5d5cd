package dev.canopy.node.chaos;

import dev.canopy.grid.Grid;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskContext;
import dev.canopy.node.bench.NodeProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bin/grid chaos}: starts real node processes, runs jobs, kills a random member in the middle
 * of each (every third round the job's top driver) with {@code kill -9}, restarts it, and checks
 * every result against its closed form. Exits 1 on any wrong result or any job still unfinished
 * after the bound it prints.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill random members (the top driver among them) of a real cluster mid-job and check every result.")
public final class ChaosCommand implements java.util.concurrent.Callable<Integer> {

    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--nodes", defaultValue = "5", description = "Node processes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--rounds", defaultValue = "20", description = "Jobs to run, one kill each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", description = "Seed of the random choices (default: random, printed).")
    Long seed;

    @Option(names = "--tasks", defaultValue = "200000", description = "Tasks per job (default: ${DEFAULT-VALUE}).")
    long tasks;

    @Option(names = "--task-micros", defaultValue = "40", description = "CPU per task in microseconds (default: ${DEFAULT-VALUE}).")
    long taskMicros;

    @Option(names = "--bound", defaultValue = "180", description = "Seconds a job may take before it counts as hung (default: ${DEFAULT-VALUE}).")
    long boundSeconds;

    public ChaosCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Returns {@code index + 1} after burning {@code micros} of CPU, so a job sums to n(n+1)/2. */
    record ChaosTask(long micros) implements IndexTask<Long> {
        @Override
        public Long run(long index, TaskContext ctx) {
            long end = System.nanoTime() + micros * 1_000;
            long x = index;
            while (System.nanoTime() < end) {
                x = x * 6364136223846793005L + 1;
            }
            if (x == 42) {
                sink = x;   // keeps the loop from being optimized away
            }
            return index + 1;
        }
    }

    static volatile long sink;

    @Override
    public Integer call() throws Exception {
        if (nodes < 3 || rounds < 1 || tasks < 1) {
            err.println("chaos needs --nodes >= 3 (was " + nodes + "), --rounds >= 1 (was " + rounds
                    + ") and --tasks >= 1 (was " + tasks + ")");
            return 2;
        }
        long usedSeed = seed != null ? seed : new Random().nextLong();
        Random random = new Random(usedSeed);
        out.printf("chaos: %d node processes, %d rounds, seed %d, %d tasks of %d us per job; a job unfinished after %d s counts as hung%n",
                nodes, rounds, usedSeed, tasks, taskMicros, boundSeconds);
        try (NodeProcesses cluster = NodeProcesses.start(nodes, out)) {
            Grid grid = cluster.grid();
            double warmUp = runJob(grid).seconds;
            double baseline = runJob(grid).seconds;
            out.printf("baseline job without kills: %.2f s (after a warm-up job of %.2f s)%n", baseline, warmUp);
            List<Double> delays = new ArrayList<>();
            int kills = 0;
            int driverKills = 0;
            int wrong = 0;
            int hung = 0;
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                JobHandle<Long> job = grid.submit(job());
                double killAt = baseline * (0.15 + 0.5 * random.nextDouble());
                boolean finishedEarly = waitFor(job, killAt);
                String kill = "no kill (the job finished first)";
                CompletableFuture<String> restarted = null;
                if (!finishedEarly) {
                    boolean killDriver = round % 3 == 0;
                    int victim = pickVictim(cluster, grid, job, killDriver, random);
                    boolean isDriver = cluster.memberId(victim).equals(topDriver(grid, job));
                    cluster.kill(victim);
                    kills++;
                    driverKills += isDriver ? 1 : 0;
                    kill = String.format("killed node %d%s at +%.2f s", victim, isDriver ? " (top driver)" : "",
                            (System.nanoTime() - start) / 1e9);
                    restarted = cluster.startNode(victim);
                }
                String verdict;
                double seconds;
                try {
                    long sum = job.result().get(boundSeconds, TimeUnit.SECONDS);
                    seconds = (System.nanoTime() - start) / 1e9;
                    long expected = tasks * (tasks + 1) / 2;
                    if (sum == expected) {
                        verdict = "exact";
                    } else {
                        wrong++;
                        verdict = "WRONG: " + sum + ", expected " + expected;
                    }
                } catch (TimeoutException e) {
                    hung++;
                    seconds = (System.nanoTime() - start) / 1e9;
                    verdict = "HUNG after " + boundSeconds + " s";
                    job.cancel();
                } catch (ExecutionException e) {
                    wrong++;
                    seconds = (System.nanoTime() - start) / 1e9;
                    verdict = "FAILED: " + e.getCause();
                }
                double delay = Math.max(0, seconds - baseline);
                if (!finishedEarly) {
                    delays.add(delay);
                }
                out.printf("round %2d: %s; job took %.2f s (+%.2f s over baseline): %s%n", round, kill, seconds, delay, verdict);
                if (restarted != null) {
                    restarted.get(60, TimeUnit.SECONDS);
                }
                // one kill at a time is what backupCount 1 promises to survive: wait for the backups to catch up
                cluster.awaitSafe();
            }
            Collections.sort(delays);
            double median = delays.isEmpty() ? 0 : delays.get(delays.size() / 2);
            double max = delays.isEmpty() ? 0 : delays.get(delays.size() - 1);
            out.printf("rounds %d, kills %d (top drivers %d), wrong results %d, hung jobs %d, delay a kill added: median %.2f s, max %.2f s%n",
                    rounds, kills, driverKills, wrong, hung, median, max);
            return wrong == 0 && hung == 0 ? 0 : 1;
        }
    }

    private Job<Long, Long> job() {
        return Job.range(0, tasks, new ChaosTask(taskMicros)).reduce(Reducers.sumLong()).name("chaos").build();
    }

    private record Run(long sum, double seconds) {
    }

    private Run runJob(Grid grid) throws Exception {
        long start = System.nanoTime();
        long sum = grid.submit(job()).result().get(boundSeconds, TimeUnit.SECONDS);
        if (sum != tasks * (tasks + 1) / 2) {
            throw new IllegalStateException("the baseline job returned " + sum + ", expected " + tasks * (tasks + 1) / 2);
        }
        return new Run(sum, (System.nanoTime() - start) / 1e9);
    }

    /** Waits up to {@code seconds} for the job; true when it finished in that time. */
    private static boolean waitFor(JobHandle<Long> job, double seconds) throws InterruptedException {
        try {
            job.result().get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private static UUID topDriver(Grid grid, JobHandle<Long> job) {
        for (JobInfo info : grid.jobs()) {
            if (info.id().equals(job.id())) {
                return info.topDriver();
            }
        }
        return null;
    }

    private static int pickVictim(NodeProcesses cluster, Grid grid, JobHandle<Long> job, boolean driver, Random random) {
        UUID top = topDriver(grid, job);
        int topIndex = top == null ? -1 : cluster.indexOf(top);
        if (driver && topIndex >= 0) {
            return topIndex;
        }
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (i != topIndex && cluster.isAlive(i)) {
                others.add(i);
            }
        }
        return others.get(random.nextInt(others.size()));
    }
}
