/**
 * Code that travels with a job: the class-path entries a job ships ({@link
 * dev.canopy.grid.internal.code.CodeEntry}, {@link dev.canopy.grid.internal.code.CodeSet}), stored in
 * the grid by content ({@link dev.canopy.grid.internal.code.CodeStore}), found on the submitting side
 * and loaded on members.
 *
 * <p>Not API. Used by {@code access} (the submit side, client or member) and {@code engine} (members).
 * Depends on {@code store} for the names of its maps.
 */
package dev.canopy.grid.internal.code;
