/**
 * A service-provider interface for Canopy's own tools ({@code grid-node}: its status page, the
 * {@code demo} command, the benchmark): read-only views of what the engine keeps, as public value
 * types, so the tools never read the engine's records, entry processors or map names.
 *
 * <p>Stable enough for grid-node, which is released with grid-core; not for users. Applications
 * should use {@link dev.canopy.grid}: these types may change in any release.
 */
package dev.canopy.grid.spi;
