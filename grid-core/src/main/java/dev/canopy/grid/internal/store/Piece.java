package dev.canopy.grid.internal.store;

import dev.canopy.grid.TaskFailure;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One part of a sub-job's outcome; an outcome is a list of pieces in task order. A leaf's outcome
 * alternates {@link Partial}s with {@link Hole}s (tasks that threw). Its driver fills each hole
 * with the outcome of a retry elsewhere ({@link Retried}) or, once the task's attempts are used
 * up, marks it {@link Failed}; what a driver commits is one partial followed by its failures.
 */
public sealed interface Piece extends Serializable {

    /** A reduced run of consecutive tasks. */
    record Partial(Object value) implements Piece {
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
    record Hole(Object task, String label, int attempts, Set<UUID> triedOn, Throwable error) implements Piece {
    }

    /** A task that failed for good; it contributes nothing to the result. */
    record Failed(TaskFailure failure, Throwable error) implements Piece {
    }

    /** A hole filled by the outcome of its retry, which may hold holes of its own until they are filled too. */
    record Retried(List<Piece> outcome) implements Piece {
    }
}
