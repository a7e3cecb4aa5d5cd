package dev.canopy.grid.internal.spec;

/**
 * Implemented by reducers whose accumulator is a {@code long} (sum, count): the leaf loop then keeps
 * the accumulator as a primitive and boxes it once per leaf instead of once per task.
 */
public interface LongAccumulator {

    /** {@code accumulate} on an unboxed accumulator. */
    long accumulateLong(long acc, Object value);

    /** {@code accumulate} on an unboxed accumulator and an unboxed value (from a {@code LongIndexTask}). */
    long accumulateLong(long acc, long value);
}
