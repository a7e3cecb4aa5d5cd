package dev.canopy.grid;

import java.io.Serializable;

/**
 * One unit of work of a {@link Job#of explicit-task job}.
 *
 * <p>Called on a worker thread of the member the task was placed on; it may block (blocking on a
 * nested job's result frees a worker slot for the duration, so nested jobs never deadlock). Called
 * once per attempt: after a failure or a member loss it may run again, so side effects should be
 * idempotent. The task is serialized and shipped to other members.
 */
@FunctionalInterface
public interface Task<T> extends Serializable {
    T run(TaskContext ctx) throws Exception;
}
