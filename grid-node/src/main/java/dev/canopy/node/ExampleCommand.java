package dev.canopy.node;

import dev.canopy.examples.Example;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code grid example NAME [ARGS...]}: runs an example on a cluster of {@value #NODES} nodes embedded
 * in this JVM (see {@link EmbeddedCluster}), configured by the defaults and any {@code CANOPY_*} /
 * {@code canopy.*} overrides, showing the progress of the jobs it submits unless {@code --quiet} (a
 * bar on a terminal, else a line every few seconds). Exits 0 when the example's result passes its
 * own check, 1 when it does not, 2 for an unknown example or arguments it refuses.
 */
@Command(name = ExampleCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Runs an example on a cluster of 3 nodes embedded in this JVM; no running cluster needed.",
                "ARGS are the example's own options, e.g. 'grid example pi --tasks 100000'."})
final class ExampleCommand implements Callable<Integer> {

    static final String NAME = "example";
    static final int NODES = 3;

    private final Io io;

    @Parameters(index = "0", paramLabel = "NAME", description = "The example to run (listed below).")
    private String name;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The example's own options.")
    private List<String> args = new ArrayList<>();

    @Option(names = "--quiet", description = "No progress bar for the example's jobs.")
    private boolean quiet;

    ExampleCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Optional<Example> example = ExampleRunner.find(NAME, name, io);
        if (example.isEmpty()) {
            return GridCommand.BAD_INPUT;
        }
        GridConfig base;
        try {
            base = Configs.node(null, io);
        } catch (GridConfigException e) {
            io.err().println(Errors.oneLine(e));
            return GridCommand.BAD_INPUT;
        }
        io.out().printf("example %s: starting %d nodes in this JVM...%n", name, NODES);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(NODES, base)) {
            io.out().printf("example %s: cluster '%s' at %s%n", name, cluster.clusterName(),
                    String.join(", ", cluster.addresses()));
            return ExampleRunner.run(NAME, example.get(), cluster.nodes().get(0), args, io, quiet);
        } catch (IllegalStateException e) {
            io.err().println("example " + name + ": could not start the embedded cluster: " + Errors.oneLine(e));
            return GridCommand.FAILED;
        }
    }
}
