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
 * every result against its closed form ({@link Chaos}); then runs job graphs and kills each one's
 * driver mid-graph ({@link GraphChaos}). Exits 1 on any wrong result, any job or graph still
 * unfinished after the bound it prints, or any graph stage whose job was created twice; 2 on a bad
 * option (each is checked as it is parsed, and {@code --rounds 0 --graphs 0} before anything starts).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill random members (the top driver among them) of a real cluster mid-job, and the driver of"
                + " job graphs mid-graph, and check every result.")
public final class ChaosCommand implements Callable<Integer> {

    private final PrintStream out;

    @Spec
    private CommandSpec spec;

    private int nodes;
    private int rounds;
    private int graphs;
    private long tasks;

    @Option(names = "--seed", description = "Seed of the random choices (default: random, printed).")
    Long seed;

    @Option(names = "--task-micros", defaultValue = "40", description = "CPU per task in microseconds (default: ${DEFAULT-VALUE}).")
    long taskMicros;

    @Option(names = "--bound", defaultValue = "180", description = "Seconds a job or graph may take before it counts as hung (default: ${DEFAULT-VALUE}).")
    long boundSeconds;

    /** {@code err} is unused: picocli prints a bad option there itself. */
    public ChaosCommand(PrintStream out, PrintStream err) {
        this.out = out;
    }

    @Option(names = "--nodes", defaultValue = "5", description = "Node processes, at least 3 (default: ${DEFAULT-VALUE}).")
    void nodes(int value) {
        nodes = (int) atLeast("--nodes", 3, value);
    }

    @Option(names = "--rounds", defaultValue = "20", description = "Jobs to run, one kill each; 0 for none (default: ${DEFAULT-VALUE}).")
    void rounds(int value) {
        rounds = (int) atLeast("--rounds", 0, value);
    }

    @Option(names = "--graphs", defaultValue = "10",
            description = "Job graphs to run after the jobs, each one's driver killed mid-graph; 0 for none (default: ${DEFAULT-VALUE}).")
    void graphs(int value) {
        graphs = (int) atLeast("--graphs", 0, value);
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
        if (rounds == 0 && graphs == 0) {
            throw new ParameterException(spec.commandLine(), "--rounds and --graphs are both 0, so there is nothing to"
                    + " run: give either a number above 0");
        }
        long usedSeed = seed != null ? seed : new Random().nextLong();
        out.printf("chaos: %d node processes, %d rounds, %d graph rounds, seed %d, %d tasks of %d us per job;"
                        + " a job or graph unfinished after %d s counts as hung%n",
                nodes, rounds, graphs, usedSeed, tasks, taskMicros, boundSeconds);
        try (NodeProcesses cluster = NodeProcesses.start(nodes, NodeProcesses.Setup.tool(), out)) {
            Random random = new Random(usedSeed);
            boolean ok = true;
            if (rounds > 0) {
                ok = new Chaos(cluster, new Chaos.Plan(rounds, tasks, taskMicros, boundSeconds), random, out).run();
            }
            if (graphs > 0) {
                ok &= new GraphChaos(cluster, new GraphChaos.Plan(graphs, boundSeconds), random, out).run();
            }
            return ok ? 0 : 1;
        }
    }
}
