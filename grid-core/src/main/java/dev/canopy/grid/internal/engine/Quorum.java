package dev.canopy.grid.internal.engine;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.internal.store.GridMaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this member's side of the cluster may drive and run work: it sees at least
 * {@code minClusterSize} members. A side of a network split smaller than that pauses: it takes
 * nothing over, accepts no job or graph, and steals nothing, and Hazelcast's split-brain protection
 * on Canopy's maps refuses its writes, so nothing it still holds can end a job or commit a sub-job.
 * The bigger side, which holds the quorum, takes its work over. When the network heals, Hazelcast
 * merges the smaller side into the bigger one; see {@code GridNode} for what the engine does then.
 *
 * <p>Threads: any; the state is one volatile flag, and a change is logged once.
 */
final class Quorum {

    private static final Logger LOG = LoggerFactory.getLogger(Quorum.class);

    private final HazelcastInstance hz;
    private final int minClusterSize;
    private volatile boolean lost;

    Quorum(HazelcastInstance hz, int minClusterSize) {
        this.hz = hz;
        this.minClusterSize = minClusterSize;
    }

    /** True when this side holds the quorum (always, with {@code minClusterSize} 0 or 1); logs a change. */
    boolean holds() {
        if (minClusterSize <= 1) {
            return true;
        }
        int seen = hz.getCluster().getMembers().size();
        boolean holds = seen >= minClusterSize && heardFromEnough();
        if (holds == lost) {
            lost = !holds;
            if (holds) {
                LOG.info("Canopy member {} sees {} members again (minClusterSize {}): it drives and runs work again",
                        hz.getCluster().getLocalMember().getUuid(), seen, minClusterSize);
            } else {
                LOG.warn("Canopy member {} sees only {} members, fewer than minClusterSize {} (a network split, or"
                        + " members lost): it takes over, accepts and commits no work until it sees {} again; a side"
                        + " that holds them recovers its work", hz.getCluster().getLocalMember().getUuid(), seen,
                        minClusterSize, minClusterSize);
            }
        }
        return holds;
    }

    /**
     * Hazelcast's own verdict where Canopy configured its protection (a node Canopy starts): it counts
     * only members heard from recently, while a member of the other side stays listed until it is
     * removed, one by one. A node attached to a service's Hazelcast counts the listed members alone.
     */
    private boolean heardFromEnough() {
        try {
            return hz.getSplitBrainProtectionService().getSplitBrainProtection(GridMaps.MIN_CLUSTER_SIZE)
                    .hasMinimumSize();
        } catch (IllegalArgumentException notConfigured) {
            return true;
        }
    }

    /**
     * @throws RetriableGridException when this side does not hold the quorum, saying so: {@code what}
     *         is refused ("job X ('name')")
     */
    void require(String what) {
        if (!holds()) {
            throw new RetriableGridException(what + " refused by member " + hz.getCluster().getLocalMember().getUuid()
                    + ": it sees only " + hz.getCluster().getMembers().size() + " members, fewer than minClusterSize "
                    + minClusterSize + " (a network split?); submit it again once the network heals, or to a member"
                    + " on the bigger side", null);
        }
    }
}
