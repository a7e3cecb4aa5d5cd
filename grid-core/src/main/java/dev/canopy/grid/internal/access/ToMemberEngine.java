package dev.canopy.grid.internal.access;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import java.io.Serializable;

/**
 * A call that the {@code canopy.control} executor runs on a member for its {@link MemberEngine}:
 * Hazelcast gives it the member's instance, in which the engine is registered.
 */
abstract class ToMemberEngine implements Serializable, HazelcastInstanceAware {

    private transient HazelcastInstance hz;

    @Override
    public final void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.hz = hazelcastInstance;
    }

    /** The engine of the member this runs on, or null when it runs none. */
    final MemberEngine engine() {
        return MemberEngine.of(hz);
    }

    final HazelcastInstance hz() {
        return hz;
    }

    final Member member() {
        return hz.getCluster().getLocalMember();
    }
}
