package dev.canopy.grid.internal.engine;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.internal.placement.Placement;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.trust.ClusterKey;

import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The member-wide parts that drivers and leaves use, built once by the {@link Engine} before any
 * of them: none of them refers back to the engine, so a driver or leaf can reach the grid, the
 * placement and the job's verdicts, but not the engine's lifecycle.
 *
 * @param key    what this member signs with and verifies against
 * @param health whether this member can go on after a task's virtual-machine error
 * @param clock the wall clock, in milliseconds; injected so tests can control time
 */
record Shared(HazelcastInstance hz, Grid grid, UUID localId, ClusterKey key, GridMaps maps, Placement placement,
              GridMetrics metrics, LocalJobs jobs, Commits commits, Verdicts verdicts, MemberHealth health,
              LongSupplier clock) {
}
