package dev.canopy.node;

import dev.canopy.examples.Example;
import dev.canopy.grid.GridConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code grid example NAME [ARGS...]}: runs an example on a cluster of {@value #NODES} nodes embedded
 * in this JVM (see {@link EmbeddedCluster}), configured by the defaults and any {@code CANOPY_*} /
 * {@code canopy.*} overrides, showing the progress of the jobs it submits unless {@code --quiet} (a
 * bar on a terminal, else a line every few seconds). Exits 0 when the example's result passes its
 * own check, 1 when it does not, 2 for an unknown example, arguments it refuses or a bad override.
 */
@Command(name = ExampleCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Runs an example on a cluster of 3 nodes embedded in this JVM; no running cluster needed.",
                "ARGS are the example's own options, e.g. 'grid example pi --tasks 100000'."})
final class ExampleCommand implements Callable<Integer> {

    static final String NAME = "example";
    static final int NODES = 3;

    private final Io io;

    @Mixin
    private ExampleOptions options;

    ExampleCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        return options.find(NAME, io).map(this::runEmbedded).orElse(GridCommand.BAD_INPUT);
    }

    private int runEmbedded(Example example) {
        GridConfig base = Configs.node(null, io);
        String name = options.name();
        io.out().printf("example %s: starting %d nodes in this JVM...%n", name, NODES);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(NODES, base)) {
            io.out().printf("example %s: cluster '%s' at %s%n", name, cluster.clusterName(),
                    String.join(", ", cluster.addresses()));
            return options.run(NAME, example, cluster.nodes().get(0), io);
        } catch (IllegalStateException e) {
            io.err().println("example " + name + ": could not start the embedded cluster: " + Errors.oneLine(e));
            return GridCommand.FAILED;
        }
    }
}
