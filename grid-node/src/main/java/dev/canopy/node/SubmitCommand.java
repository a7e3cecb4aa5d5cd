package dev.canopy.node;

import dev.canopy.grid.GridClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code grid submit NAME [ARGS...] [--client FILE] [--quiet]}: runs an example through a
 * {@link dev.canopy.grid.GridClient} against a running cluster, showing the progress of the jobs it
 * submits unless {@code --quiet} (a bar on a terminal, else a line every few seconds). Exits 0 when
 * the example's result passes its own check, 1 when it does not or the cluster cannot be reached, 2
 * for an unknown example, arguments it refuses or a bad client configuration.
 */
@Command(name = SubmitCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Runs an example as a client against a running cluster (start one with 'grid node').",
                "ARGS are the example's own options, e.g. 'grid submit pi --tasks 100000'."})
final class SubmitCommand implements Callable<Integer> {

    static final String NAME = "submit";

    private final Io io;

    @Mixin
    private ExampleOptions options;

    @Option(names = "--client", paramLabel = "FILE",
            description = "Client configuration, YAML or JSON, e.g. config/client.yaml;"
                    + " by default cluster 'canopy' at 127.0.0.1:5701.")
    private Path client;

    SubmitCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Duration connectTimeout = GridClientConfig.defaults().connectTimeout();
        return options.find(NAME, io)
                .map(example -> Clients.connectAndRun(NAME, client, connectTimeout, io,
                        (grid, config) -> options.run(NAME, example, grid, io)))
                .orElse(GridCommand.BAD_INPUT);
    }
}
