package dev.canopy.node.chaos;

import dev.canopy.node.process.NodeProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code bin/grid chaos}: starts real node processes, runs jobs, kills a random member in the middle
 * of each (every third round the job's top driver) with {@code kill -9}, restarts it, and checks
 * every result against its closed form ({@link Chaos}). Exits 1 on any wrong result or any job still
 * unfinished after the bound it prints, 2 on a bad option (each is checked as it is parsed).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill random members (the top driver among them) of a real cluster mid-job and check every result.")
public final class ChaosCommand implements Callable<Integer> {

    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    private int nodes;
    private int rounds;
    private long tasks;

    @Option(names = "--seed", description = "Seed of the random choices (default: random, printed).")
    Long seed;

    @Option(names = "--task-micros", defaultValue = "40", description = "CPU per task in microseconds (default: ${DEFAULT-VALUE}).")
    long taskMicros;

    @Option(names = "--bound", defaultValue = "180", description = "Seconds a job may take before it counts as hung (default: ${DEFAULT-VALUE}).")
    long boundSeconds;

    /** {@code err} is unused: picocli prints a bad option there itself. */
    public ChaosCommand(PrintStream out, PrintStream err) {
        this.out = out;
    }

    @Option(names = "--nodes", defaultValue = "5", description = "Node processes, at least 3 (default: ${DEFAULT-VALUE}).")
    void nodes(int value) {
        nodes = (int) atLeast("--nodes", 3, value);
    }

    @Option(names = "--rounds", defaultValue = "20", description = "Jobs to run, one kill each (default: ${DEFAULT-VALUE}).")
    void rounds(int value) {
        rounds = (int) atLeast("--rounds", 1, value);
    }

    @Option(names = "--tasks", defaultValue = "200000", description = "Tasks per job (default: ${DEFAULT-VALUE}).")
    void tasks(long value) {
        tasks = atLeast("--tasks", 1, value);
    }

    private long atLeast(String option, long min, long value) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be >= " + min + " but was " + value);
        }
        return value;
    }

    @Override
    public Integer call() throws Exception {
        long usedSeed = seed != null ? seed : new Random().nextLong();
        out.printf("chaos: %d node processes, %d rounds, seed %d, %d tasks of %d us per job; a job unfinished after %d s counts as hung%n",
                nodes, rounds, usedSeed, tasks, taskMicros, boundSeconds);
        try (NodeProcesses cluster = NodeProcesses.start(nodes, NodeProcesses.Setup.tool(), out)) {
            Chaos chaos = new Chaos(cluster, new Chaos.Plan(rounds, tasks, taskMicros, boundSeconds),
                    new Random(usedSeed), out);
            return chaos.run() ? 0 : 1;
        }
    }
}
