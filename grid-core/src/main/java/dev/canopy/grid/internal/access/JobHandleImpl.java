package dev.canopy.grid.internal.access;

import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A handle reading the job's records on demand; its future is completed by {@link GridAccess}'s result listener. */
final class JobHandleImpl<R> implements JobHandle<R> {

    private final JobId id;
    private final GridAccess access;
    private final JobFuture<R> result;

    JobHandleImpl(JobId id, GridAccess access, JobFuture<R> result) {
        this.id = id;
        this.access = access;
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
        return access.progress(id.toString());
    }

    @Override
    public JobState state() {
        return access.state(id.toString());
    }

    @Override
    public List<TaskFailure> failures() {
        return access.failures(id.toString());
    }

    @Override
    public boolean cancel() {
        return access.cancel(id.toString());
    }

    @Override
    public String toString() {
        return "JobHandle[" + id + "]";
    }
}
