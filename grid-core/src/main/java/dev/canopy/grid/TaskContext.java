package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;

/** What a running task can see of the grid. Valid only during the call that received it. */
public interface TaskContext {

    JobId jobId();

    /** The grid of the member running the task: submit nested jobs through it (the peer pattern). */
    Grid grid();

    /** The Hazelcast member running the task, for reading and writing data next to the task. */
    HazelcastInstance hazelcast();

    /** True once the job was cancelled, timed out or failed; a long task should check and return. */
    boolean isCancelled();
}
