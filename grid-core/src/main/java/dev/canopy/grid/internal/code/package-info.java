/**
 * Code shipping: the class-path entries a job carries to members that lack its classes. A
 * submitter finds what a job needs and uploads it, content-addressed, into the grid; a member
 * fetches it into a local cache and runs the job's code in one class loader per code set
 * ({@link dev.canopy.grid.internal.code.JobLoaders}).
 *
 * <p>Not API. {@link dev.canopy.grid.internal.code.CodeEntry} and
 * {@link dev.canopy.grid.internal.code.CodeSet} travel with a job's spec; everything else stays on
 * the member or client that uses it.
 */
package dev.canopy.grid.internal.code;
