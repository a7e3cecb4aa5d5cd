package dev.canopy.grid.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one member knows of one job while it takes part: the spec (fetched once), whether the job
 * was cancelled, and the sub-jobs this member drives. Dropped when the job's result appears.
 */
final class LocalJob {

    final String jobId;
    final JobSpec<Object, Object> spec;
    /** Completes when the job's own records are durable; nothing is dispatched before. */
    final CompletableFuture<Void> recorded;
    final long createdMillis = System.currentTimeMillis();
    final Map<String, DriverRun> drivers = new ConcurrentHashMap<>();
    private volatile boolean cancelled;

    LocalJob(String jobId, JobSpec<Object, Object> spec, CompletableFuture<Void> recorded) {
        this.jobId = jobId;
        this.spec = spec;
        this.recorded = recorded;
    }

    /** A job read back from its records, which exist. */
    LocalJob(String jobId, JobSpec<Object, Object> spec) {
        this(jobId, spec, CompletableFuture.completedFuture(null));
    }

    boolean isCancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }
}
