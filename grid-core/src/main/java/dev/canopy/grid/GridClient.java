package dev.canopy.grid;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import dev.canopy.grid.internal.trust.ClusterKey;
import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.access.ClientBootstrap;
import dev.canopy.grid.internal.access.TrustedMembers;

import java.util.Objects;

/**
 * A client of a Canopy grid: submits and watches jobs over a Hazelcast client connection and
 * never runs tasks. It reconnects by itself when members restart; handles it gave out keep waiting.
 * When the whole cluster stops, their jobs are gone (records live in the members' memory only):
 * the handles fail saying so, once the client gives up reconnecting after its connect timeout, or
 * once it finds the job missing from a cluster that was started anew.
 */
public final class GridClient extends RecordsGrid {

    private final HazelcastInstance client;
    /** Which members may drive this client's jobs: the owner of a job id's partition becomes its top driver. */
    private final TrustedMembers trust;

    private GridClient(HazelcastInstance client, GridClientConfig config, ClusterKey key) {
        super(new GridAccess(client, client.getLocalEndpoint().getUuid(), 0, config.shipCode(), config.codePaths(),
                key));
        this.client = client;
        this.trust = new TrustedMembers(client, access.maps().engines, key, System::currentTimeMillis);
    }

    /** Connects to the members listed in {@code config}; fails after its connect timeout. */
    public static GridClient connect(GridClientConfig config) {
        Objects.requireNonNull(config, "config");
        clusterKeyOf(config);
        ClientConfig clientConfig = ClientBootstrap.clientConfig(config);
        return over(HazelcastClient.newHazelcastClient(clientConfig), config);
    }

    /** A grid client over a Hazelcast client connected as {@code config} says (tests make it on their own network). */
    static GridClient over(HazelcastInstance client, GridClientConfig config) {
        GridClient grid;
        try {
            grid = new GridClient(client, config, clusterKeyOf(config));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        grid.access.watchConnection(config.clusterName(), config.connectTimeout());
        grid.access.start();
        return grid;
    }

    /** Read before connecting, so a missing key file fails at once. */
    private static ClusterKey clusterKeyOf(GridClientConfig config) {
        try {
            return config.resolveClusterKey();
        } catch (IllegalArgumentException e) {
            throw new GridConfigException(e.getMessage(), e);
        }
    }

    @Override
    public <R> JobHandle<R> submit(Job<?, R> job) {
        return access.submit(Job.specOf(job), trust.newJobId(), access::submitRemotely);
    }

    @Override
    public GraphHandle submit(JobGraph graph) {
        return access.graphs().submit(JobGraph.specOf(graph), GraphId.of(trust.newJobId().uuid()),
                (record, spec) -> access.graphs().submitRemotely(record, spec, access));
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
