package dev.canopy.node.chaos;

import dev.canopy.node.GridCommand;
import dev.canopy.node.lab.Host;
import dev.canopy.node.lab.Lab;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code bin/grid chaos}: starts real node processes, runs jobs with a fault in the middle of each
 * ({@code --faults}: a {@code kill -9} and restart, a {@code SIGSTOP} pause, a network split, slow
 * links; every other fault of a kind strikes the job's top driver) and checks every result against
 * its closed form ({@link Chaos}); then runs job graphs and kills each one's driver mid-graph
 * ({@link GraphChaos}). Exits 1 on any wrong result, any job or graph still unfinished after the
 * bound it prints, or any graph stage whose job was created twice; 2 on a bad option (each is
 * checked as it is parsed, the rest before anything starts).
 *
 * <p><b>In a lab.</b> Splits and slow links need hosts with addresses of their own: the command then
 * makes a {@link Lab} of a host per node and one more, and runs itself again on that last host
 * ({@code --in-lab}, hidden), since only a process inside the lab may reach the nodes. That second
 * JVM starts the nodes on their hosts and runs the rounds; this one waits for it, with a bound, and
 * deletes the lab, whatever happened. The nodes run with the README's rule for a cluster across
 * machines: {@code minClusterSize} a majority, {@code backupCount} what a minority holds, a cluster
 * key.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Strike a real cluster mid-job (kill -9, pauses, network splits, slow links; the top driver"
                + " among the targets), and the driver of job graphs mid-graph, and check every result.")
public final class ChaosCommand implements Callable<Integer> {

    private static final int LAB_PORT = 5701;

    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    private int nodes;
    private int rounds;
    private int graphs;
    private long tasks;
    private List<Chaos.Fault> faults = List.of(Chaos.Fault.KILL);
    private Duration faultTime;

    @Option(names = "--in-lab", hidden = true, description = "The lab, made by the chaos command that started this one.")
    Path inLab;

    @Option(names = "--seed", description = "Seed of the random choices (default: random, printed).")
    Long seed;

    @Option(names = "--task-micros", defaultValue = "40", description = "CPU per task in microseconds (default: ${DEFAULT-VALUE}).")
    long taskMicros;

    @Option(names = "--bound", defaultValue = "180", description = "Seconds a job or graph may take before it counts as hung (default: ${DEFAULT-VALUE}).")
    long boundSeconds;

    public ChaosCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Option(names = "--faults", defaultValue = "kill", split = ",", paramLabel = "FAULT",
            description = "Faults the rounds take in turn, from kill, pause, partition, latency; partition and latency"
                    + " need root, as they make a network lab of namespaces (default: ${DEFAULT-VALUE}).")
    void faults(List<String> names) {
        List<Chaos.Fault> chosen = new ArrayList<>();
        for (String name : names) {
            Chaos.Fault fault = Arrays.stream(Chaos.Fault.values()).filter(f -> f.label().equals(name.trim()))
                    .findFirst().orElseThrow(() -> new ParameterException(spec.commandLine(), "--faults has '" + name
                            + "', which is not a fault: give some of kill, pause, partition, latency, split by commas"));
            if (!chosen.contains(fault)) {
                chosen.add(fault);
            }
        }
        faults = List.copyOf(chosen);
    }

    @Option(names = "--fault-seconds", defaultValue = "30",
            description = "How long a pause or a network split lasts; a pause must outlast the nodes' maxNoHeartbeat"
                    + " (8 s) to get its member removed (default: ${DEFAULT-VALUE}).")
    void faultSeconds(long value) {
        faultTime = Duration.ofSeconds(atLeast("--fault-seconds", 1, value));
    }

    @Option(names = "--nodes", defaultValue = "5", description = "Node processes, at least 3 (default: ${DEFAULT-VALUE}).")
    void nodes(int value) {
        nodes = (int) atLeast("--nodes", 3, value);
    }

    @Option(names = "--rounds", defaultValue = "20", description = "Jobs to run, one fault each; 0 for none (default: ${DEFAULT-VALUE}).")
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
        boolean needsLab = faults.stream().anyMatch(Chaos.Fault::needsLab);
        long usedSeed = seed != null ? seed : new Random().nextLong();
        if (needsLab && inLab == null) {
            return inANewLab(usedSeed);
        }
        out.printf("chaos: %d node processes, %d rounds with faults %s, %d graph rounds, seed %d, %d tasks of %d us"
                        + " per job; a job or graph unfinished after %d s counts as hung%n",
                nodes, rounds, labels(), graphs, usedSeed, tasks, taskMicros, boundSeconds);
        Lab lab = inLab == null ? null : Lab.attach(inLab);
        try (NodeProcesses cluster = lab == null ? NodeProcesses.start(nodes, NodeProcesses.Setup.tool(), out)
                : startOn(lab)) {
            Random random = new Random(usedSeed);
            boolean ok = true;
            if (rounds > 0) {
                ok = new Chaos(cluster, lab, new Chaos.Plan(rounds, tasks, taskMicros, boundSeconds, faults, faultTime),
                        random, out).run();
            }
            if (graphs > 0) {
                ok &= new GraphChaos(cluster, new GraphChaos.Plan(graphs, boundSeconds), random, out).run();
            }
            return ok ? 0 : 1;
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    private String labels() {
        return faults.stream().map(Chaos.Fault::label).collect(Collectors.joining(","));
    }

    /**
     * Makes a lab of a host per node and one for the rounds, runs this command again on that last
     * host, waits for it within a bound, and deletes the lab; returns the run's exit code.
     */
    private int inANewLab(long usedSeed) throws IOException, InterruptedException {
        boolean slowLinks = faults.contains(Chaos.Fault.LATENCY);
        String missing = Lab.missing(slowLinks ? Lab.Need.SLOW_LINKS : Lab.Need.FAULTS);
        if (missing != null) {
            err.println("chaos: --faults " + labels() + " needs a network lab of namespaces, and this machine cannot"
                    + " make one: " + missing + ". Run it as root on Linux, or leave partition and latency out"
                    + " (--faults kill,pause)");
            return 2;
        }
        try (Lab lab = Lab.create(nodes + 1, Files.createTempDirectory("canopy-chaos"))) {
            Host here = lab.host(nodes + 1);
            out.printf("chaos: made %s in %s (its files and the nodes' logs); the rounds run on %s%n", lab, lab.dir(),
                    here);
            List<String> command = new ArrayList<>(here.launcher());
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(NodeProcess.hazelcastFlags());
            command.addAll(List.of("-cp", NodeProcess.classPath(), GridCommand.class.getName(), "chaos",
                    "--nodes", Integer.toString(nodes), "--rounds", Integer.toString(rounds),
                    "--graphs", Integer.toString(graphs), "--tasks", Long.toString(tasks),
                    "--task-micros", Long.toString(taskMicros), "--bound", Long.toString(boundSeconds),
                    "--faults", labels(), "--fault-seconds", Long.toString(faultTime.toSeconds()),
                    "--seed", Long.toString(usedSeed), "--in-lab", lab.describe().toString()));
            Process run = lab.start(new ProcessBuilder(command).redirectErrorStream(true));
            Thread copier = new Thread(() -> copyLines(run, out), "output-of-chaos-in-" + lab.id());
            copier.setDaemon(true);
            copier.start();
            // each round ends within its bound, its fault and a wait for the cluster to be whole
            long limit = (rounds + graphs + 2) * (boundSeconds + faultTime.toSeconds() + 240);
            if (!run.waitFor(limit, TimeUnit.SECONDS)) {
                err.println("chaos: the run in the lab has not ended after " + limit + " s; stopping it and the lab");
                return 1;
            }
            copier.join(TimeUnit.SECONDS.toMillis(10));
            return run.exitValue();
        }
    }

    /** Prints the run's output here as it comes, so that it reads as this command's own. */
    private static void copyLines(Process run, PrintStream out) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(run.getInputStream(),
                StandardCharsets.UTF_8))) {
            lines.lines().forEach(out::println);
        } catch (IOException | UncheckedIOException e) {
            out.println("chaos: lost the output of the run in the lab: " + e);
        }
    }

    /** Starts a node on each lab host but the last, as the README's "Running a cluster across machines" says. */
    private NodeProcesses startOn(Lab lab) throws IOException {
        // the node defaults otherwise: a shorter maxNoHeartbeat has members under load suspect each other
        Map<String, String> settings = new LinkedHashMap<>();
        int majority = nodes / 2 + 1;
        settings.put("minClusterSize", Integer.toString(majority));
        settings.put("backupCount", Integer.toString(Math.min(6, Math.max(1, nodes - majority))));
        settings.put("clusterKeyFile", lab.writeClusterKey().toString());
        List<NodeProcesses.Place> places = lab.hosts().subList(0, nodes).stream()
                .map(host -> new NodeProcesses.Place(host.address(), LAB_PORT, host.launcher())).toList();
        return NodeProcesses.start(places, new NodeProcesses.Setup(lab.dir(), "1g", settings), out);
    }
}
