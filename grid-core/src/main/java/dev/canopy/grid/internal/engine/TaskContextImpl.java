package dev.canopy.grid.internal.engine;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobId;
import dev.canopy.grid.TaskContext;

/** The context a leaf hands its tasks; one per leaf run. */
record TaskContextImpl(JobId jobId, Grid grid, HazelcastInstance hazelcast, LocalJob job) implements TaskContext {

    @Override
    public boolean isCancelled() {
        return job.isCancelled();
    }
}
