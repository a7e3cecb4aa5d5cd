package dev.canopy.grid;

import java.util.List;
import java.util.Optional;

/**
 * A handle on a Canopy grid: a member node ({@link GridNode}) or a client ({@link GridClient}).
 * All methods are thread-safe.
 */
public interface Grid extends AutoCloseable {

    /**
     * Submits a job. The job's code is checked for serializability here, so a task or reducer that
     * cannot be shipped fails with {@link IllegalArgumentException} before anything is written.
     */
    <R> JobHandle<R> submit(Job<?, R> job);

    /**
     * Submits a job graph: its stages run in the grid, each once the stages it comes after have
     * completed, driven by a member that another takes over from if it is lost. Each stage's code is
     * checked for serializability here, as for a job, before anything is written.
     */
    GraphHandle submit(JobGraph graph);

    /** Re-attaches to a graph by id, from any node or client, also after its submitter died. */
    Optional<GraphHandle> graph(GraphId id);

    /** Running and recently finished graphs (finished ones stay until their result's time-to-live), oldest first. */
    List<GraphInfo> graphs();

    /** Re-attaches to a job by id, from any node or client, also after its submitter died. */
    Optional<JobHandle<?>> job(JobId id);

    /** Running and recently finished jobs (finished ones stay until their result's time-to-live). */
    List<JobInfo> jobs();

    /** The members of the grid, their roles and their load. */
    Topology topology();

    /** Leaves the grid. For a node attached to a service's Hazelcast, that Hazelcast keeps running. */
    @Override
    void close();
}
