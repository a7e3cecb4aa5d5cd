package dev.canopy.node;

import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.GridConfigException;

import java.nio.file.Path;
import java.time.Duration;

/** What the client commands ({@code status}, {@code submit}) share. */
final class Clients {

    private Clients() {
    }

    /** What a client command does once it is connected; returns the command's exit code. */
    interface Session {
        int run(GridClient grid, GridClientConfig config);
    }

    /**
     * Reads the client configuration ({@code file}, or the defaults with {@code connectTimeout}),
     * connects, runs {@code session} and disconnects. An unreachable cluster is one line on stderr
     * and exit code {@link GridCommand#FAILED}.
     *
     * @throws GridConfigException for a bad file or override, which {@link GridCommand} reports
     */
    static int connectAndRun(String command, Path file, Duration connectTimeout, Io io, Session session) {
        GridClientConfig config = Configs.client(file, io, connectTimeout);
        GridClient grid;
        try {
            grid = GridClient.connect(config);
        } catch (RuntimeException e) {
            io.err().println(cannotConnect(command, config, e));
            return GridCommand.FAILED;
        }
        try (grid) {
            return session.run(grid, config);
        }
    }

    /** One line: which cluster could not be reached, where, within how long, and why. */
    static String cannotConnect(String command, GridClientConfig config, Throwable e) {
        return command + ": cannot connect to cluster '" + config.clusterName() + "' at "
                + String.join(", ", config.members()) + " within " + ProgressBar.duration(
                config.connectTimeout().toMillis() / 1000.0) + ": " + Errors.oneLine(e)
                + " (is a node running? start one with 'grid node'; set the address with --client FILE)";
    }
}
