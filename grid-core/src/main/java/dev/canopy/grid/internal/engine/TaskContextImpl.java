package dev.canopy.grid.internal.engine;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobId;
import dev.canopy.grid.TaskContext;

/** The context a leaf hands its tasks; one per leaf run. */
final class TaskContextImpl implements TaskContext {

    private final JobId jobId;
    private final Grid grid;
    private final HazelcastInstance hz;
    private final LocalJob job;

    TaskContextImpl(JobId jobId, Grid grid, HazelcastInstance hz, LocalJob job) {
        this.jobId = jobId;
        this.grid = grid;
        this.hz = hz;
        this.job = job;
    }

    @Override
    public JobId jobId() {
        return jobId;
    }

    @Override
    public Grid grid() {
        return grid;
    }

    @Override
    public HazelcastInstance hazelcast() {
        return hz;
    }

    @Override
    public boolean isCancelled() {
        return job.isCancelled();
    }
}
