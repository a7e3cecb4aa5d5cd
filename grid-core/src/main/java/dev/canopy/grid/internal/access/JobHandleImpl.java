package dev.canopy.grid.internal.access;

import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A handle reading the job's records on demand; its future is completed by {@link ResultWatch}. */
final class JobHandleImpl<R> implements JobHandle<R> {

    private final JobId id;
    private final JobListings listings;
    private final JobEnds ends;
    private final JobFuture<R> result;

    JobHandleImpl(JobId id, JobListings listings, JobEnds ends, JobFuture<R> result) {
        this.id = id;
        this.listings = listings;
        this.ends = ends;
        this.result = result;
    }

    @Override
    public JobId id() {
        return id;
    }

    @Override
    public CompletableFuture<R> result() {
        return result;
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
    public String toString() {
        return "JobHandle[" + id + "]";
    }
}
