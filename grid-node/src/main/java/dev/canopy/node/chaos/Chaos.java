package dev.canopy.node.chaos;

import dev.canopy.grid.Grid;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskContext;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The rounds of {@code bin/grid chaos} on a running cluster of node processes: a baseline job, then
 * per round a job, a {@code kill -9} of one member in its middle (every third round the top driver),
 * the member's restart, and the job's result checked against its closed form n(n+1)/2. Prints a line
 * per round and a summary; one thread, the command's.
 */
final class Chaos {

    /** What a chaos run does: its jobs, how many, and how long a job may take. */
    record Plan(int rounds, long tasks, long taskMicros, long boundSeconds) {
    }

    private final NodeProcesses cluster;
    private final Grid grid;
    private final Plan plan;
    private final Random random;
    private final PrintStream out;

    private final List<Double> delays = new ArrayList<>();
    private int kills;
    private int driverKills;
    private int wrong;
    private int hung;

    Chaos(NodeProcesses cluster, Plan plan, Random random, PrintStream out) {
        this.cluster = cluster;
        this.grid = cluster.client();
        this.plan = plan;
        this.random = random;
        this.out = out;
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

    /** Runs every round; true when every result was exact and no job hung. */
    boolean run() throws Exception {
        double warmUp = baselineSeconds();
        double baseline = baselineSeconds();
        out.printf("baseline job without kills: %.2f s (after a warm-up job of %.2f s)%n", baseline, warmUp);
        for (int round = 1; round <= plan.rounds(); round++) {
            round(round, baseline);
            // one kill at a time is what backupCount 1 promises to survive: wait for the backups to catch up
            cluster.awaitSafe();
        }
        Collections.sort(delays);
        double median = delays.isEmpty() ? 0 : delays.get(delays.size() / 2);
        double max = delays.isEmpty() ? 0 : delays.get(delays.size() - 1);
        out.printf("rounds %d, kills %d (top drivers %d), wrong results %d, hung jobs %d, delay a kill added: median %.2f s, max %.2f s%n",
                plan.rounds(), kills, driverKills, wrong, hung, median, max);
        return wrong == 0 && hung == 0;
    }

    /** One job, killed into unless it finishes first, and its verdict. */
    private void round(int round, double baseline) throws InterruptedException, IOException {
        long start = System.nanoTime();
        JobHandle<Long> job = grid.submit(job());
        boolean finishedEarly = waitFor(job, baseline * (0.15 + 0.5 * random.nextDouble()));
        String kill = "no kill (the job finished first)";
        NodeProcess restarted = null;
        if (!finishedEarly) {
            int victim = pickVictim(job, round % 3 == 0);
            boolean isDriver = cluster.node(victim).memberId().equals(topDriver(job));
            cluster.node(victim).kill();
            kills++;
            driverKills += isDriver ? 1 : 0;
            kill = String.format("killed node %d%s at +%.2f s", victim, isDriver ? " (top driver)" : "",
                    (System.nanoTime() - start) / 1e9);
            restarted = cluster.restart(victim);
        }
        String verdict = verdict(job);
        double seconds = (System.nanoTime() - start) / 1e9;
        double delay = Math.max(0, seconds - baseline);
        if (!finishedEarly) {
            delays.add(delay);
        }
        out.printf("round %2d: %s; job took %.2f s (+%.2f s over baseline): %s%n", round, kill, seconds, delay, verdict);
        if (restarted != null) {
            restarted.awaitReady();
        }
    }

    /** Waits for the job's result within the bound and says what it was; counts wrong and hung jobs. */
    private String verdict(JobHandle<Long> job) throws InterruptedException {
        long expected = plan.tasks() * (plan.tasks() + 1) / 2;
        try {
            long sum = job.result().get(plan.boundSeconds(), TimeUnit.SECONDS);
            if (sum == expected) {
                return "exact";
            }
            wrong++;
            return "WRONG: " + sum + ", expected " + expected;
        } catch (TimeoutException e) {
            hung++;
            job.cancel();
            return "HUNG after " + plan.boundSeconds() + " s";
        } catch (ExecutionException e) {
            wrong++;
            return "FAILED: " + e.getCause();
        }
    }

    private Job<Long, Long> job() {
        return Job.range(0, plan.tasks(), new ChaosTask(plan.taskMicros())).reduce(Reducers.sumLong()).name("chaos").build();
    }

    /** Runs a job without kills; returns how long it took. */
    private double baselineSeconds() throws Exception {
        long start = System.nanoTime();
        long sum = grid.submit(job()).result().get(plan.boundSeconds(), TimeUnit.SECONDS);
        long expected = plan.tasks() * (plan.tasks() + 1) / 2;
        if (sum != expected) {
            throw new IllegalStateException("the baseline job returned " + sum + ", expected " + expected);
        }
        return (System.nanoTime() - start) / 1e9;
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

    private UUID topDriver(JobHandle<Long> job) {
        for (JobInfo info : grid.jobs()) {
            if (info.id().equals(job.id())) {
                return info.topDriver();
            }
        }
        return null;
    }

    /** The node running the job's top driver when {@code driver} and it is known; else a random other live node. */
    private int pickVictim(JobHandle<Long> job, boolean driver) {
        UUID top = topDriver(job);
        int topIndex = top == null ? -1 : cluster.indexOf(top);
        if (driver && topIndex >= 0) {
            return topIndex;
        }
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (i != topIndex && cluster.node(i).isAlive()) {
                others.add(i);
            }
        }
        return others.get(random.nextInt(others.size()));
    }
}
