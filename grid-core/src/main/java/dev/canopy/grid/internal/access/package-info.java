/**
 * What a member and a client share: submitting jobs, watching their results
 * ({@link dev.canopy.grid.internal.access.ResultWatch}), ending them
 * ({@link dev.canopy.grid.internal.access.JobEnds}), listing jobs and members, which members are
 * trusted with work ({@link dev.canopy.grid.internal.access.TrustedMembers}), and the one mapping
 * of failures to what users see ({@link dev.canopy.grid.internal.access.Failures}).
 * {@link dev.canopy.grid.internal.access.GridAccess} composes them for the API's
 * {@code GridNode} and {@code GridClient}.
 *
 * <p>Not API. It reads and writes only the grid's records and reaches a member's engine only
 * through {@link dev.canopy.grid.internal.access.MemberEngine}, so it runs on a client too.
 * Threads: the caller's, Hazelcast's event threads, and one timer thread per node or client.
 * Depends on {@code spec} and {@code store}.
 */
package dev.canopy.grid.internal.access;
