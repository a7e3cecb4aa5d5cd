package dev.canopy.node;

import dev.canopy.examples.Example;
import dev.canopy.grid.Grid;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The arguments of a command that runs an example ({@code grid example}, {@code grid submit}): the
 * example's name, its own options, and {@code --quiet}. A picocli mixin, so both commands parse
 * and document them alike; what differs between them is only where the grid comes from.
 */
final class ExampleOptions {

    @Parameters(index = "0", paramLabel = "NAME", description = "The example to run (listed below).")
    private String name;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The example's own options.")
    private List<String> args = new ArrayList<>();

    @Option(names = "--quiet", description = "No progress bar for the example's jobs.")
    private boolean quiet;

    String name() {
        return name;
    }

    /** The example named on the command line; when there is none, says so on one line (see {@link ExampleRunner#find}). */
    Optional<Example> find(String command, Io io) {
        return ExampleRunner.find(command, name, io);
    }

    /** Runs {@code example} on {@code grid} with its own options; returns the exit code (see {@link ExampleRunner#run}). */
    int run(String command, Example example, Grid grid, Io io) {
        return ExampleRunner.run(command, example, grid, args, io, quiet);
    }
}
