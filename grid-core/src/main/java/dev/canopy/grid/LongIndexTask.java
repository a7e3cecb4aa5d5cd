package dev.canopy.grid;

import java.io.Serializable;

/**
 * The body of a {@link Job#rangeToLong range job whose tasks return a long}: called once per index
 * (once per attempt), like an {@link IndexTask}. With {@link Reducers#sumLong()} or
 * {@link Reducers#count()} the leaf loop keeps every value and the running total unboxed, so a task
 * of a few nanoseconds costs a few nanoseconds; with any other reducer each value is boxed to a
 * {@code Long} as an {@code IndexTask<Long>} would be. It is serialized and shipped to other
 * members, so it must capture only serializable state.
 */
@FunctionalInterface
public interface LongIndexTask extends Serializable {
    long run(long index, TaskContext ctx) throws Exception;
}
