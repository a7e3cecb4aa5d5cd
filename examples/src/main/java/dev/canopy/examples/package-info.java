/**
 * Runnable example jobs, each implementing {@link dev.canopy.examples.Example} and listed in
 * {@link dev.canopy.examples.Examples}; each has a test that runs it on an in-JVM cluster.
 *
 * <p>Not API: the examples show how to use {@code dev.canopy.grid}, and their options and output
 * may change.
 */
package dev.canopy.examples;
