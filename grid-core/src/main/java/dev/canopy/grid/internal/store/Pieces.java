package dev.canopy.grid.internal.store;

import dev.canopy.grid.TaskFailure;

import java.io.Serializable;
import java.util.Set;
import java.util.UUID;

/**
 * The parts of a sub-job's outcome, in task order. A leaf's outcome alternates partials with holes
 * (tasks that threw); its driver fills each hole by retrying the task elsewhere, and passes up a
 * single partial followed by the tasks that failed for good.
 */
public final class Pieces {

    private Pieces() {
    }

    /** A reduced run of consecutive tasks. */
    public record Partial(Object value) implements Serializable {
    }

    /**
     * A task that threw and may be retried.
     *
     * @param task     the index (Long) or the key of the task
     * @param label    "index 7" or "key foo", for messages
     * @param attempts runs so far
     * @param triedOn  members it failed on
     * @param error    the last exception, made portable
     */
    public record Hole(Object task, String label, int attempts, Set<UUID> triedOn, Throwable error) implements Serializable {
    }

    /** A task that failed for good; it contributes nothing to the result. */
    public record Failed(TaskFailure failure, Throwable error) implements Serializable {
    }
}
