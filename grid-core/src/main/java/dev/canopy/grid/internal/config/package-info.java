/**
 * The machinery behind {@link dev.canopy.grid.GridConfig} and {@link dev.canopy.grid.GridClientConfig}:
 * key definitions ({@link dev.canopy.grid.internal.config.ConfigKey}, gathered in a
 * {@link dev.canopy.grid.internal.config.ConfigDef}), value types and rules, and reading YAML or
 * JSON files and environment or system-property overrides
 * ({@link dev.canopy.grid.internal.config.ConfigParser}).
 *
 * <p>Not API: everything here may change without notice. Users meet only
 * {@link dev.canopy.grid.internal.config.ConfigException}, and may catch it as a
 * {@link dev.canopy.grid.GridException}.
 */
package dev.canopy.grid.internal.config;
