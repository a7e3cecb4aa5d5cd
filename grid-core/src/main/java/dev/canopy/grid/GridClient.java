package dev.canopy.grid;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.access.ClientBootstrap;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of a Canopy grid: submits and watches jobs over a Hazelcast client connection and
 * never runs tasks. It reconnects by itself when members restart; handles it gave out keep waiting.
 */
public final class GridClient implements Grid {

    private final HazelcastInstance client;
    private final GridAccess access;

    private GridClient(HazelcastInstance client, GridClientConfig config) {
        this.client = client;
        this.access = new GridAccess(client, client.getLocalEndpoint().getUuid(), 0);
    }

    /** Connects to the members listed in {@code config}; fails after its connect timeout. */
    public static GridClient connect(GridClientConfig config) {
        Objects.requireNonNull(config, "config");
        ClientConfig clientConfig = ClientBootstrap.clientConfig(config);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(clientConfig);
        GridClient grid = new GridClient(client, config);
        grid.access.start();
        return grid;
    }

    @Override
    public <R> JobHandle<R> submit(Job<?, R> job) {
        return access.submit(Job.specOf(job), JobId.newId(), access::submitRemotely);
    }

    @Override
    public Optional<JobHandle<?>> job(JobId id) {
        return access.job(Objects.requireNonNull(id, "id"));
    }

    @Override
    public List<JobInfo> jobs() {
        return access.jobs();
    }

    @Override
    public Topology topology() {
        return access.topology();
    }

    /** The Hazelcast client underneath. */
    public HazelcastInstance hazelcast() {
        return client;
    }

    @Override
    public void close() {
        access.close();
        client.shutdown();
    }
}
