package dev.canopy.grid.internal.engine;

/**
 * What the engine takes from the node's configuration.
 *
 * @param fanOut   used for jobs that do not set one
 * @param leafSize used for jobs that do not set one; 0 chooses it from the job size and the grid's workers
 * @param maxResultBytes    the largest serialized partial or result a job may produce here
 * @param cancelGraceMillis how long a cancelled task may ignore its interrupt before its thread is replaced
 */
public record EngineSettings(int workerThreads, int fanOut, int leafSize, long resultTtlMillis, int maxResultBytes,
                             long cancelGraceMillis) {
}
