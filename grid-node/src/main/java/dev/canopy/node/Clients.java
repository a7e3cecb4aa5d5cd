package dev.canopy.node;

import dev.canopy.grid.GridClientConfig;

/** What the client commands ({@code status}, {@code submit}) share. */
final class Clients {

    private Clients() {
    }

    /** One line: which cluster could not be reached, where, within how long, and why. */
    static String cannotConnect(String command, GridClientConfig config, Throwable e) {
        return command + ": cannot connect to cluster '" + config.clusterName() + "' at "
                + String.join(", ", config.members()) + " within " + ProgressBar.duration(
                config.connectTimeout().toMillis() / 1000.0) + ": " + Errors.oneLine(e)
                + " (is a node running? start one with 'grid node'; set the address with --client FILE)";
    }
}
