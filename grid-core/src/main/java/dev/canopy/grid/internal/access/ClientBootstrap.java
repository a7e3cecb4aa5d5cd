package dev.canopy.grid.internal.access;

import com.hazelcast.client.config.ClientConfig;
import dev.canopy.grid.GridClientConfig;


/** Turns a {@link GridClientConfig} into a Hazelcast client config, and starts jobs from a client. */
public final class ClientBootstrap {

    private ClientBootstrap() {
    }

    public static ClientConfig clientConfig(GridClientConfig grid) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(grid.clusterName());
        config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
        config.getNetworkConfig().setAddresses(grid.members());
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(grid.connectTimeout().toMillis());
        return config;
    }

}
