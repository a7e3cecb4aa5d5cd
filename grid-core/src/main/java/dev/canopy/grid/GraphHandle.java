package dev.canopy.grid;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A submitted job graph, seen from one node or client. Any number of handles may watch one graph. */
public interface GraphHandle {

    GraphId id();

    String name();

    /**
     * Every stage's result, by stage name, in the order the stages were added. Completes
     * exceptionally with {@link JobFailedException} naming the first stage that failed and its
     * cause (once every stage that could run has ended), or with a
     * {@link java.util.concurrent.CancellationException} when the graph was cancelled (its cause is a
     * {@link java.util.concurrent.TimeoutException} when the graph's timeout ran out). Cancelling
     * this future does not cancel the graph: call {@link #cancel()}.
     */
    CompletableFuture<Map<String, Object>> result();

    /**
     * One stage's result, as soon as that stage's job ends. Completes exceptionally as the stage's
     * job does, or with a {@link JobFailedException} when the stage never ran (a stage before it
     * failed, its factory threw, the graph was cancelled first).
     *
     * @throws IllegalArgumentException when the graph has no stage of that name, naming its stages
     */
    <T> CompletableFuture<T> result(String stage);

    /** Each stage's job (state, progress), by stage name: a stage is absent until its job is created. */
    Map<String, JobInfo> stages();

    /** The graph's state now. */
    JobState state();

    /** Cancels the graph: every running stage's job, and the stages not started yet. False if it had ended already. */
    boolean cancel();
}
