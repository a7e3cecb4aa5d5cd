package dev.canopy.grid.internal.access;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobState;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.StageRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A handle on a graph. Its result is the graph's end in {@code canopy.results}, completed by the
 * {@link ResultWatch} like a job's. A stage's result is its job's: the handle reads the graph's
 * record until the stage's job exists (a few reads a second), then waits for that job as a job
 * handle does; a stage that ends without a job (a stage before it failed, its factory threw, the
 * graph was cancelled) fails with the reason its record gives.
 */
final class GraphHandleImpl implements GraphHandle {

    private static final long STAGE_POLL_MILLIS = 250;

    private final GraphId id;
    private final String name;
    private final List<String> stageNames;
    private final GraphAccess graphs;
    private final JobFuture<Map<String, Object>> future;
    private final ClassLoader loader;

    GraphHandleImpl(GraphId id, String name, List<String> stageNames, GraphAccess graphs,
                    JobFuture<Map<String, Object>> future, ClassLoader loader) {
        this.id = id;
        this.name = name;
        this.stageNames = List.copyOf(stageNames);
        this.graphs = graphs;
        this.future = future;
        this.loader = loader;
    }

    @Override
    public GraphId id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Map<String, Object>> result() {
        return future;
    }

    @Override
    public <T> CompletableFuture<T> result(String stage) {
        if (!stageNames.contains(stage)) {
            throw new IllegalArgumentException("graph " + id + " ('" + name + "') has no stage '" + stage
                    + "'; its stages: " + String.join(", ", stageNames));
        }
        JobFuture<T> result = new JobFuture<>(loader);
        awaitStage(stage, result);
        return result;
    }

    /** Reads the graph's record until the stage has a job or has ended without one; see the class comment. */
    private <T> void awaitStage(String stage, JobFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        try {
            GraphRecord record = graphs.peek(id.toString());
            StageRecord s = record == null ? null : record.stage(stage);
            JobId job = s == null ? null : GraphAccess.jobOf(s);
            if (job != null) {
                JobFuture<T> ofJob = graphs.watch().watch(job.toString(), loader);
                ofJob.whenComplete((value, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(value);
                    }
                });
                return;
            }
            if (record == null) {
                result.completeExceptionally(new JobFailedException("graph " + id + " ('" + name + "') is gone from"
                        + " the grid (its record expired or was lost), so stage '" + stage + "' has no result",
                        "stage " + stage, 0, null));
                return;
            }
            if (s.state().isTerminal() || record.state().isTerminal()) {
                result.completeExceptionally(GraphAccess.stageNotRun(id.toString(), name, s));
                return;
            }
        } catch (RuntimeException e) {
            // a grid call failed while members come and go: read again at the next turn
        }
        try {
            graphs.timer().schedule(() -> awaitStage(stage, result), STAGE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new java.util.concurrent.CancellationException(
                    "the grid handle watching graph " + id + " was closed"));
        }
    }

    @Override
    public Map<String, JobInfo> stages() {
        GraphRecord record = graphs.peek(id.toString());
        Map<String, JobInfo> stages = new LinkedHashMap<>();
        if (record == null) {
            return stages;
        }
        for (StageRecord s : record.stages()) {
            JobId job = GraphAccess.jobOf(s);
            if (job != null) {
                graphs.listings().info(job.toString()).ifPresent(info -> stages.put(s.name(), info));
            }
        }
        return stages;
    }

    @Override
    public JobState state() {
        return graphs.state(id.toString());
    }

    @Override
    public boolean cancel() {
        return graphs.cancel(id.toString(), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphHandleImpl other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "GraphHandle[" + id + " '" + name + "']";
    }
}
