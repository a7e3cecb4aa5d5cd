package dev.canopy.node;

import dev.canopy.grid.GridConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code grid token [--config FILE]}: prints the bearer token of the nodes' HTTP API
 * ({@code Authorization: Bearer <token>}), derived from the cluster key that {@code grid node}
 * would read with the same file, environment and system properties, so that
 * {@code curl -H "Authorization: Bearer $(bin/grid token --config ...)"} works. The token alone is
 * printed, on one line. Without a key it prints one line on standard error and exits with 1: the
 * API needs no token then. An unreadable key file is a bad configuration (exit 2).
 */
@Command(name = TokenCommand.NAME, mixinStandardHelpOptions = true,
        description = {"Prints the bearer token that the nodes' HTTP API asks for (cancelling a job; reads too with"
                + " httpReadsNeedToken), derived from the cluster key read as 'grid node' reads it.",
                "Use it as: curl -H \"Authorization: Bearer $(bin/grid token)\" -X POST"
                        + " http://127.0.0.1:8080/api/jobs/ID/cancel"})
final class TokenCommand implements Callable<Integer> {

    static final String NAME = "token";

    private final Io io;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Node configuration, YAML or JSON, as for 'grid node'; its clusterKeyFile (or"
                    + " CANOPY_CLUSTER_KEY) holds the key.")
    private Path config;

    TokenCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        GridConfig gridConfig = Configs.node(config, io);
        Optional<String> token = gridConfig.httpToken();
        if (token.isEmpty()) {
            io.err().println(NAME + ": no cluster key is set in " + (config == null ? "the default configuration"
                    : config.toString()) + " or the environment, so the HTTP API asks for no token: set"
                    + " clusterKeyFile (or CANOPY_CLUSTER_KEY) to give the grid a key");
            return GridCommand.FAILED;
        }
        io.out().println(token.get());
        io.out().flush();
        return GridCommand.OK;
    }
}
