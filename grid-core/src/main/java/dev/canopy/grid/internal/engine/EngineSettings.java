package dev.canopy.grid.internal.engine;

/**
 * What the engine takes from the node's configuration.
 *
 * @param fanOut   used for jobs that do not set one
 * @param leafSize used for jobs that do not set one; 0 chooses it from the job size and the grid's workers
 */
public record EngineSettings(int workerThreads, int fanOut, int leafSize, long resultTtlMillis) {
}
