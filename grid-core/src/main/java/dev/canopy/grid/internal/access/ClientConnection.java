package dev.canopy.grid.internal.access;

import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;

import java.time.Duration;

/**
 * Fails a client's waiting handles when the client gives up on its cluster. A Hazelcast client
 * that loses every member tries to reconnect for its connect timeout, then shuts itself down; its
 * handles could then wait for ever, since nothing can answer for their jobs any more. They fail at
 * once, saying the whole cluster stopped (job records and results live in the members' memory only)
 * or cannot be reached. A client that reconnects in time to a cluster started anew learns that its
 * jobs are gone from {@link ResultWatch}, which finds none of the members it knew.
 *
 * <p>A shutdown while connected is someone closing the client: its handles are cancelled, as by
 * {@code GridClient.close()}.
 *
 * <p>Threads: Hazelcast's client threads, one event at a time.
 */
final class ClientConnection implements LifecycleListener {

    private final ResultWatch watch;
    private final String clusterName;
    private final Duration connectTimeout;
    private volatile boolean disconnected;

    ClientConnection(ResultWatch watch, String clusterName, Duration connectTimeout) {
        this.watch = watch;
        this.clusterName = clusterName;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public void stateChanged(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_DISCONNECTED -> disconnected = true;
            case CLIENT_CONNECTED -> disconnected = false;
            case SHUTTING_DOWN -> {
                if (disconnected) {
                    watch.failAll(id -> Failures.clusterLost(id, clusterName, connectTimeout));
                } else {
                    watch.close();
                }
            }
            default -> {
                // starting, started, shut down, changed cluster (failover clients only): nothing for the handles
            }
        }
    }
}
