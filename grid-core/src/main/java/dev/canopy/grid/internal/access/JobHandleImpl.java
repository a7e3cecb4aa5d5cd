package dev.canopy.grid.internal.access;

import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A handle reading the job's records on demand; its future is completed by {@link ResultWatch}.
 * Handles of one job are interchangeable, so two are equal when they watch the same job.
 */
record JobHandleImpl<R>(JobId id, JobListings listings, JobEnds ends, JobFuture<R> future) implements JobHandle<R> {

    @Override
    public CompletableFuture<R> result() {
        return future;
    }

    @Override
    public JobProgress progress() {
        return listings.progress(id.toString());
    }

    @Override
    public JobState state() {
        return listings.state(id.toString());
    }

    @Override
    public List<TaskFailure> failures() {
        return listings.failures(id.toString());
    }

    @Override
    public boolean cancel() {
        return ends.cancel(id.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobHandleImpl<?> other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "JobHandle[" + id + "]";
    }
}
