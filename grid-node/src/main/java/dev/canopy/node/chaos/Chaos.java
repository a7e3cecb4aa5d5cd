package dev.canopy.node.chaos;

import dev.canopy.grid.Grid;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.TaskContext;
import dev.canopy.node.lab.Host;
import dev.canopy.node.lab.Lab;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The rounds of {@code bin/grid chaos} on a running cluster of node processes: a baseline job, then
 * per round a job, one fault in its middle, and the job's result checked against its closed form
 * n(n+1)/2. The rounds take the {@link Fault}s asked for in turn (in an order the seed shuffles), and
 * every other fault of a kind strikes the job's top driver. Prints a line per round and a summary per
 * fault; one thread, the command's.
 *
 * <p>After each round the next waits until every node is a member again and the backups are in sync
 * ({@link NodeProcesses#awaitWhole}): one fault at a time is what the grid promises to survive.
 */
final class Chaos {

    /** What a round does to the cluster while its job runs. */
    enum Fault {
        /** {@code kill -9} of a member, then its restart. */
        KILL(false),
        /** {@code SIGSTOP} of a member for longer than {@code maxNoHeartbeat}, then {@code SIGCONT}. */
        PAUSE(false),
        /** A network split into a majority, with the client, and a minority; healed after a while. */
        PARTITION(true),
        /** 20 ms of latency and 1 % loss on every link for the whole job. */
        LATENCY(true);

        private final boolean needsLab;

        Fault(boolean needsLab) {
            this.needsLab = needsLab;
        }

        /** Whether the fault needs a network lab of hosts (root, namespaces); the others work on loopback. */
        boolean needsLab() {
            return needsLab;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a chaos run does: its jobs, how many, how long a job may take, the faults, and how long a
     * pause or a split lasts (a pause must outlast the nodes' {@code maxNoHeartbeat}).
     */
    record Plan(int rounds, long tasks, long taskMicros, long boundSeconds, List<Fault> faults, Duration faultTime) {
        Plan {
            faults = List.copyOf(faults);
        }
    }

    /** The slow links of a {@link Fault#LATENCY} round, as the issue's {@code tc netem delay 20ms loss 1%}. */
    static final Duration LINK_DELAY = Duration.ofMillis(20);
    static final double LINK_LOSS_PERCENT = 1;
    /** Seconds a refused submit is tried again, once a second. */
    private static final int SUBMIT_RETRIES = 60;
    /** The longest a round waits for every node to be a member again. */
    private static final Duration WHOLE_TIMEOUT = Duration.ofMinutes(3);

    private final NodeProcesses cluster;
    /** The lab the nodes run on, for partitions and slow links; null on loopback. */
    private final Lab lab;
    private final Grid grid;
    private final Plan plan;
    private final Random random;
    private final PrintStream out;

    private final Map<Fault, Tally> tallies = new EnumMap<>(Fault.class);
    private int wrong;
    private int hung;

    Chaos(NodeProcesses cluster, Lab lab, Plan plan, Random random, PrintStream out) {
        if (lab == null && plan.faults().stream().anyMatch(Fault::needsLab)) {
            throw new IllegalArgumentException("faults " + plan.faults() + " need a network lab");
        }
        this.cluster = cluster;
        this.lab = lab;
        this.grid = cluster.client();
        this.plan = plan;
        this.random = random;
        this.out = out;
        plan.faults().forEach(fault -> tallies.put(fault, new Tally()));
    }

    /** What the rounds of one fault saw. */
    private static final class Tally {
        int rounds;
        int struck;
        int driversStruck;
        final List<Double> delays = new ArrayList<>();
        final List<Double> throughputs = new ArrayList<>();
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
        out.printf("baseline job without faults: %.2f s (after a warm-up job of %.2f s)%n", baseline, warmUp);
        List<Fault> order = new ArrayList<>(plan.faults());
        Collections.shuffle(order, random);
        int rounds = 0;
        boolean whole = true;
        while (whole && rounds < plan.rounds()) {
            rounds++;
            round(rounds, order.get((rounds - 1) % order.size()), baseline);
            try {
                cluster.awaitWhole(WHOLE_TIMEOUT);
            } catch (IllegalStateException e) {
                // a grid that does not heal is a finding, not a crash of the tool: report it and what came before
                out.printf("after round %d: %s; the rounds stop here%n", rounds, e.getMessage());
                whole = false;
            }
        }
        for (Fault fault : order) {
            out.println(summary(fault, tallies.get(fault)));
        }
        out.printf("rounds %d, wrong results %d, hung jobs %d%s%n", rounds, wrong, hung,
                whole ? "" : ", and the cluster did not heal after round " + rounds);
        return wrong == 0 && hung == 0 && whole;
    }

    /** One job with {@code fault} in its middle, unless it finishes first, and its verdict. */
    private void round(int round, Fault fault, double baseline) throws InterruptedException, IOException {
        Tally tally = tallies.get(fault);
        tally.rounds++;
        if (fault == Fault.LATENCY) {
            // the job runs on slow links from its start to its end: what is measured is its throughput
            lab.slowLinks(LINK_DELAY, LINK_LOSS_PERCENT);
        }
        long start = System.nanoTime();
        JobHandle<Long> job = submit();
        // when it ended, not when this thread looked: a pause or a split lasts its full time either way
        CompletableFuture<Long> ended = job.result().handle((sum, failure) -> System.nanoTime());
        String what;
        boolean struck = true;
        NodeProcess restarted = null;
        if (fault == Fault.LATENCY) {
            what = String.format(Locale.ROOT, "links slowed by %d ms and %.0f %% loss", LINK_DELAY.toMillis(),
                    LINK_LOSS_PERCENT);
            tally.struck++;
        } else if (waitFor(job, baseline * (0.15 + 0.5 * random.nextDouble()))) {
            what = "no " + fault.label() + " (the job finished first)";
            struck = false;
        } else {
            tally.struck++;
            int topIndex = cluster.indexOf(topDriverOr(job));
            int victim = pickVictim(topIndex, tally.struck % 2 == 0);
            boolean isDriver = victim == topIndex;
            tally.driversStruck += isDriver ? 1 : 0;
            String at = String.format(Locale.ROOT, " at +%.2f s", (System.nanoTime() - start) / 1e9);
            String whom = "node " + victim + (isDriver ? " (top driver)" : "");
            switch (fault) {
                case KILL -> {
                    cluster.node(victim).kill();
                    restarted = cluster.restart(victim);
                    what = "killed " + whom + at;
                }
                case PAUSE -> {
                    NodeProcess node = cluster.node(victim);
                    pause(node);
                    TimeUnit.MILLISECONDS.sleep(plan.faultTime().toMillis());
                    resume(node);
                    what = "paused " + whom + at + " for " + plan.faultTime().toSeconds() + " s";
                }
                case PARTITION -> {
                    List<Integer> minority = minority(victim);
                    split(minority);
                    TimeUnit.MILLISECONDS.sleep(plan.faultTime().toMillis());
                    lab.heal();
                    what = "split nodes " + minority + (isDriver ? " (with the top driver)" : "") + " from the rest"
                            + at + ", healed after " + plan.faultTime().toSeconds() + " s";
                }
                default -> throw new IllegalStateException("unexpected fault " + fault);
            }
        }
        String verdict = verdict(job);
        double seconds = (ended.getNow(System.nanoTime()) - start) / 1e9;
        if (fault == Fault.LATENCY) {
            lab.fastLinks();
            tally.throughputs.add(baseline / seconds);
        }
        double delay = Math.max(0, seconds - baseline);
        if (struck) {
            tally.delays.add(delay);
        }
        out.printf(Locale.ROOT, "round %2d, %s: %s; job took %.2f s (+%.2f s over baseline): %s%n", round,
                fault.label(), what, seconds, delay, verdict);
        if (restarted != null) {
            restarted.awaitReady();
        }
        restartTheDead();
    }

    /** Through the lab, when there is one, so that its event log has the pause beside its other faults. */
    private void pause(NodeProcess node) {
        if (lab != null) {
            lab.pause(node);
        } else {
            node.pause();
        }
    }

    private void resume(NodeProcess node) {
        if (lab != null) {
            lab.resume(node);
        } else {
            node.resume();
        }
    }

    /** A woken node that chose to stop rather than rejoin is started again, so every round has them all. */
    private void restartTheDead() throws IOException, InterruptedException {
        for (int i = 0; i < cluster.size(); i++) {
            if (!cluster.node(i).isAlive()) {
                out.printf("  node %d had stopped (see %s); starting it again%n", i, cluster.node(i).log());
                cluster.restart(i).awaitReady();
            }
        }
    }

    /** {@code victim} and random others: as many as a minority of the nodes holds. */
    private List<Integer> minority(int victim) {
        int size = (cluster.size() - 1) / 2;
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (i != victim) {
                others.add(i);
            }
        }
        Collections.shuffle(others, random);
        List<Integer> minority = new ArrayList<>(List.of(victim));
        minority.addAll(others.subList(0, size - 1));
        Collections.sort(minority);
        return minority;
    }

    /** Cuts the hosts of {@code minority} off from the other nodes' hosts and from this client's. */
    private void split(List<Integer> minority) {
        List<Host> small = new ArrayList<>();
        List<Host> big = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            (minority.contains(i) ? small : big).add(lab.host(i + 1));
        }
        big.addAll(lab.hosts().subList(cluster.size(), lab.hosts().size()));
        lab.partition(small, big);
    }

    private static String summary(Fault fault, Tally tally) {
        List<Double> delays = new ArrayList<>(tally.delays);
        Collections.sort(delays);
        String delay = delays.isEmpty() ? "no delay measured" : String.format(Locale.ROOT,
                "delay it added: median %.2f s, max %.2f s", delays.get(delays.size() / 2), delays.get(delays.size() - 1));
        if (fault == Fault.LATENCY) {
            List<Double> throughputs = new ArrayList<>(tally.throughputs);
            Collections.sort(throughputs);
            return String.format(Locale.ROOT, "latency: %d rounds, throughput %.2f of the clean baseline (median), %s",
                    tally.rounds, throughputs.isEmpty() ? 0 : throughputs.get(throughputs.size() / 2), delay);
        }
        String verb = switch (fault) {
            case KILL -> "kills";
            case PAUSE -> "pauses";
            default -> "splits";
        };
        String drivers = fault == Fault.PARTITION ? "isolated the top driver" : "of the top driver";
        return String.format(Locale.ROOT, "%s: %d rounds, %d %s (%d %s), %s", fault.label(), tally.rounds, tally.struck,
                verb, tally.driversStruck, drivers, delay);
    }

    /**
     * Submits the round's job as a user should: a {@link RetriableGridException} (a member merging back
     * after a fault runs no engine for a few seconds, and a client may briefly see only it) is tried
     * again, a second apart, for at most {@link #SUBMIT_RETRIES} seconds.
     */
    private JobHandle<Long> submit() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return grid.submit(job());
            } catch (RetriableGridException e) {
                if (attempt >= SUBMIT_RETRIES) {
                    throw e;
                }
                if (attempt == 1) {
                    out.println("  submit refused for now (" + e.getMessage() + "); trying again each second");
                }
                TimeUnit.SECONDS.sleep(1);
            }
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

    /** Runs a job without faults; returns how long it took. */
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

    /** The job's top driver, or a uuid no member has when it is not known. */
    private UUID topDriverOr(JobHandle<Long> job) {
        for (JobInfo info : grid.jobs()) {
            if (info.id().equals(job.id()) && info.topDriver() != null) {
                return info.topDriver();
            }
        }
        return new UUID(0, 0);
    }

    /**
     * The node running the job's top driver ({@code topIndex}, -1 when not known) when {@code driver};
     * else a random other live node.
     */
    private int pickVictim(int topIndex, boolean driver) {
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
