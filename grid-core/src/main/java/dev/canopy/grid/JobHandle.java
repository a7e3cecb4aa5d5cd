package dev.canopy.grid;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A submitted job, seen from one node or client. Any number of handles may watch one job. */
public interface JobHandle<R> {

    JobId id();

    /**
     * The job's result. Completes exceptionally with {@link JobFailedException}, or with a
     * {@link java.util.concurrent.CancellationException} when cancelled (its cause is a
     * {@link java.util.concurrent.TimeoutException} when the job's timeout ran out). Cancelling this
     * future does not cancel the job: call {@link #cancel()}. Waiting on it from inside a task is
     * safe: the worker slot is lent to other leaves while the task waits.
     */
    CompletableFuture<R> result();

    /** A fresh snapshot of the job's progress (one read of the job's records). */
    JobProgress progress();

    /** The job's state now. */
    JobState state();

    /** Tasks that failed for good but were tolerated ({@code Job.Builder#tolerateFailures}). */
    List<TaskFailure> failures();

    /** Cancels the job across the grid. True if this call cancelled it, false if it had already ended. */
    boolean cancel();
}
