/**
 * Canopy's public API: start or attach a node ({@link dev.canopy.grid.GridNode}), connect a client
 * ({@link dev.canopy.grid.GridClient}), build {@link dev.canopy.grid.Job}s from tasks and a
 * {@link dev.canopy.grid.Reducer}, and follow them through {@link dev.canopy.grid.JobHandle}.
 *
 * <p>This package is API: it holds interfaces, records, enums and final classes only. Everything
 * under {@code dev.canopy.grid.internal} is engine and may change without notice.
 */
package dev.canopy.grid;
