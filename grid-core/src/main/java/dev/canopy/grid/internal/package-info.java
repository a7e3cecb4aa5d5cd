/**
 * Canopy's implementation. Not API: everything below this package may change without notice.
 *
 * <p>It is split by concern, and each package depends only on those listed before it:
 * <ul>
 *   <li>{@code config}: configuration keys, values and files, for the API's config classes;</li>
 *   <li>{@code spec}: what a job is (its source of tasks, reducer and settings) and how its objects travel;</li>
 *   <li>{@code store}: the records kept in Hazelcast maps, their keys, and the entry processors
 *       that change them atomically;</li>
 *   <li>{@code placement}: which members are live and loaded, who owns which partition, how a
 *       sub-job is split;</li>
 *   <li>{@code access}: what a member and a client share: submitting, watching and ending jobs,
 *       listings, and the mapping of failures to what users see;</li>
 *   <li>{@code engine}: the member-only engine: drivers, leaves, workers, recovery, messages.</li>
 * </ul>
 * {@link dev.canopy.grid.internal.engine.Engine} is the place to start reading.
 */
package dev.canopy.grid.internal;
