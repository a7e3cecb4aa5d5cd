/**
 * The machinery behind {@link dev.canopy.grid.GridConfig} and {@link dev.canopy.grid.GridClientConfig}:
 * key definitions ({@link dev.canopy.grid.internal.config.ConfigKey}, gathered in a
 * {@link dev.canopy.grid.internal.config.ConfigDef}), value types and rules, and reading YAML or
 * JSON files and environment or system-property overrides
 * ({@link dev.canopy.grid.internal.config.ConfigParser}).
 *
 * <p>Not API: everything here may change without notice. What users meet of it is public: the
 * config classes themselves, and {@link dev.canopy.grid.GridConfigException} for a file or an
 * override that cannot be used.
 */
package dev.canopy.grid.internal.config;
