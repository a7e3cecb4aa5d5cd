package dev.canopy.grid;

import java.io.Serializable;

/**
 * The body of a {@link Job#range range job}: called once per index (once per attempt), on a worker
 * thread of the member the index's leaf was placed on. It may block. It is serialized and shipped
 * to other members, so it must capture only serializable state.
 */
@FunctionalInterface
public interface IndexTask<T> extends Serializable {
    T run(long index, TaskContext ctx) throws Exception;
}
