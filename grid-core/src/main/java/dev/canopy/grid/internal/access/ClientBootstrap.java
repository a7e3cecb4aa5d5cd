package dev.canopy.grid.internal.access;

import com.hazelcast.client.config.ClientConfig;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.internal.trust.SerialFilter;


/** Turns a {@link GridClientConfig} into a Hazelcast client config, and starts jobs from a client. */
public final class ClientBootstrap {

    private ClientBootstrap() {
    }

    /** A client config: the configured members, and Hazelcast's Java serialization filter on ({@link SerialFilter}, plus {@code serialAllow}). */
    public static ClientConfig clientConfig(GridClientConfig grid) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(grid.clusterName());
        config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
        config.getNetworkConfig().setAddresses(grid.members());
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(grid.connectTimeout().toMillis());
        config.getSerializationConfig().setJavaSerializationFilterConfig(SerialFilter.hazelcastFilter(grid.serialAllow()));
        return config;
    }

}
