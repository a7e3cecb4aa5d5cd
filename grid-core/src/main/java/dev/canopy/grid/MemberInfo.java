package dev.canopy.grid;

import java.io.Serializable;
import java.util.Set;
import java.util.UUID;

/**
 * One member of the grid as it last reported itself.
 *
 * @param workerThreads size of its worker pool
 * @param busy          worker threads running a leaf now
 * @param queuedLeaves  leaves waiting for a worker
 * @param roles         "worker" always; "driver" while it drives sub-jobs; "top-driver" while it drives a whole job
 */
public record MemberInfo(UUID uuid, String address, int workerThreads, int busy, int queuedLeaves, Set<String> roles)
        implements Serializable {
}
