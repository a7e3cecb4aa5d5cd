/**
 * Canopy's engine: drivers, leaves, placement, recovery and the records kept in the data grid.
 * Not API: everything here may change without notice. {@link dev.canopy.grid.internal.engine.Engine} is
 * the place to start reading.
 */
package dev.canopy.grid.internal;
