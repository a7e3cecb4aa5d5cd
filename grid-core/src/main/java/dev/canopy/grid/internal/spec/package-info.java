/**
 * What a job is, as the engine sees it: a {@link dev.canopy.grid.internal.spec.JobSpec} (a sealed
 * {@link dev.canopy.grid.internal.spec.JobSource} of tasks, a reducer, settings) and the
 * {@link dev.canopy.grid.internal.spec.Slice}s its tree cuts it into; and how a job's objects
 * travel between members ({@link dev.canopy.grid.internal.spec.Codec},
 * {@link dev.canopy.grid.internal.spec.Errors}).
 *
 * <p>Not API. Plain values, immutable once built; any thread. Depends on the API package only.
 */
package dev.canopy.grid.internal.spec;
