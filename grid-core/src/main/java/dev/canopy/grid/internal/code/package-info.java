/**
 * Code that travels with a job: the class-path entries a job carries to members that lack its
 * classes. A submitter finds what a job needs ({@link dev.canopy.grid.internal.code.CodeScanner})
 * and uploads it, content-addressed, into the grid ({@link dev.canopy.grid.internal.code.CodeStore});
 * a member fetches it into a local cache and runs the job's code in one class loader per code set
 * ({@link dev.canopy.grid.internal.code.JobLoaders}).
 *
 * <p>Not API. {@link dev.canopy.grid.internal.code.CodeEntry} and
 * {@link dev.canopy.grid.internal.code.CodeSet} travel with a job's spec
 * ({@link dev.canopy.grid.internal.code.ShippedSpec}); the rest stays on the member or client that
 * uses it. Used by {@code access} (the submit side, client or member) and {@code engine} (members);
 * depends on {@code store} for the names of its maps.
 */
package dev.canopy.grid.internal.code;
