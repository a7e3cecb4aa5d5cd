/**
 * The standalone node and the command line ({@code bin/grid}): {@link dev.canopy.node.GridCommand}
 * and its subcommands ({@code node}, {@code demo}, {@code status}, {@code submit}, {@code example}),
 * plus the pieces other commands reuse: {@link dev.canopy.node.EmbeddedCluster} (N nodes in one JVM
 * on free loopback ports) and {@link dev.canopy.node.ProgressBar}.
 *
 * <p>Not an API for embedding: services depend on {@code grid-core} ({@code dev.canopy.grid}).
 */
package dev.canopy.node;
