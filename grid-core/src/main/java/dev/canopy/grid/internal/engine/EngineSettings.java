package dev.canopy.grid.internal.engine;

/**
 * What the engine takes from the node's configuration.
 *
 * @param fanOut   used for jobs that do not set one
 * @param leafSize used for jobs that do not set one; 0 chooses it from the job size and the grid's workers
 * @param maxResultBytes    the largest serialized partial or result a job may produce here
 * @param cancelGraceMillis how long a cancelled task may ignore its interrupt before its thread is replaced
 * @param metricsJobNames        most job names the per-job meters are tagged with at once; 0 counts every job as other
 * @param metricsJobExpiryMillis how long a job name's meters outlive the last job of that name on the member
 * @param codeTtlMillis how long shipped code that no unfinished job uses stays in the grid
 * @param minClusterSize members this member must see to drive and run work (see {@link Quorum}); 0 or 1: always
 */
public record EngineSettings(int workerThreads, int fanOut, int leafSize, long resultTtlMillis, int maxResultBytes,
                             long cancelGraceMillis, int metricsJobNames, long metricsJobExpiryMillis,
                             long codeTtlMillis, int minClusterSize) {
}
