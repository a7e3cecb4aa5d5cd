package dev.canopy.grid.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.GridClientConfig;

import java.util.function.Consumer;

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

    /** Sends a new job to the member owning its record, which becomes its top driver. */
    public static Consumer<String> starter(HazelcastInstance client) {
        GridMaps maps = new GridMaps(client);
        return jobId -> maps.control.executeOnKeyOwner(new Messages.StartJob(jobId), jobId);
    }
}
