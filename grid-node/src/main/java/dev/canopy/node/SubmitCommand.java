package dev.canopy.node;

import dev.canopy.examples.Example;
import dev.canopy.grid.GridClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code grid submit EXAMPLE [ARGS...] [--client FILE] [--quiet]}: runs an example through a
 * {@link GridClient} against a running cluster, showing the progress of the jobs it submits unless
 * {@code --quiet} (a bar on a terminal, else a line every few seconds). Exits 0 when the example's result passes its own
 * check, 1 when it does not or the cluster cannot be reached, 2 for an unknown example, arguments it
 * refuses or a bad client configuration.
 */
@Command(name = SubmitCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Runs an example as a client against a running cluster (start one with 'grid node').",
                "ARGS are the example's own options, e.g. 'grid submit pi --tasks 100000'."})
final class SubmitCommand implements Callable<Integer> {

    static final String NAME = "submit";

    private final Io io;

    @Parameters(index = "0", paramLabel = "EXAMPLE", description = "The example to run (listed below).")
    private String name;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The example's own options.")
    private List<String> args = new ArrayList<>();

    @Option(names = "--client", paramLabel = "FILE",
            description = "Client configuration, YAML or JSON, e.g. config/client.yaml;"
                    + " by default cluster 'canopy' at 127.0.0.1:5701.")
    private Path client;

    @Option(names = "--quiet", description = "No progress bar for the example's jobs.")
    private boolean quiet;

    SubmitCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Optional<Example> example = ExampleRunner.find(NAME, name, io);
        if (example.isEmpty()) {
            return GridCommand.BAD_INPUT;
        }
        return Clients.connectAndRun(NAME, client, GridClientConfig.defaults().connectTimeout(), io,
                (grid, config) -> ExampleRunner.run(NAME, example.get(), grid, args, io, quiet));
    }
}
