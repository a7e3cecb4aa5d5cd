/**
 * Where work goes: {@link dev.canopy.grid.internal.placement.Placement} knows which members run
 * Canopy, are live and trusted (through a predicate the engine gives it), how loaded each is and
 * who owns each partition;
 * {@link dev.canopy.grid.internal.placement.Splitter} cuts a sub-job's slice into children for a
 * group of members, by capacity or by data owner.
 *
 * <p>Not API; member-only. Threads: driver-pool, control and worker threads read it; the engine's
 * timer refreshes it. Depends on {@code spec} and {@code store}.
 */
package dev.canopy.grid.internal.placement;
