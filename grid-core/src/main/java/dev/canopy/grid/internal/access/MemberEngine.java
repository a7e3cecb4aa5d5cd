package dev.canopy.grid.internal.access;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.JobRecord;

import java.util.concurrent.ConcurrentMap;

/**
 * What the shared access code asks of the Canopy engine of the member it runs on: the two calls
 * that reach a member from a client too (a new job or graph for the owner of its partition, and a
 * job that ended). An engine registers itself in its Hazelcast instance's user context, one per instance:
 * a second engine on the same instance is refused, so two {@code GridNode.attach} calls can never
 * silently replace each other's engine.
 */
public interface MemberEngine {

    /** A new job for this member, the owner of its id's partition; returns once its records are written. */
    void acceptJob(JobRecord record, byte[] spec);

    /** A new job graph for this member, the owner of its id's partition; returns once its record is written. */
    void acceptGraph(GraphRecord record, byte[] spec);

    /** The job ended elsewhere (cancelled, failed, timed out): stop its work here. */
    void cancelLocally(String jobId);

    /** What this member verifies calls against. */
    ClusterKey clusterKey();

    /** The user-context key of an instance's engine. */
    String CONTEXT_KEY = "canopy.engine";

    /** Registers {@code engine} as the engine of {@code hz}; fails when the instance has one already. */
    static void register(HazelcastInstance hz, MemberEngine engine) {
        Object previous = hz.getUserContext().putIfAbsent(CONTEXT_KEY, engine);
        if (previous != null && previous != engine) {
            throw new IllegalStateException("Hazelcast member " + hz.getName() + " runs a Canopy engine already:"
                    + " attach one GridNode per member, and close it before attaching another");
        }
    }

    /** Removes {@code engine}'s registration, if it is still the registered one. */
    static void unregister(HazelcastInstance hz, MemberEngine engine) {
        ConcurrentMap<String, Object> context = hz.getUserContext();
        context.remove(CONTEXT_KEY, engine);
    }

    /** The engine running on {@code hz}, or null. */
    static MemberEngine of(HazelcastInstance hz) {
        return hz == null ? null : (MemberEngine) hz.getUserContext().get(CONTEXT_KEY);
    }
}
