package dev.canopy.grid;

/**
 * A {@link Reducer} whose running value is a {@code long}, as a sum or a count: a leaf then keeps
 * it unboxed and boxes it once per leaf instead of once per task, and with a
 * {@link Job#rangeToLong} job not even the task values are boxed. {@link Reducers#sumLong()} and
 * {@link Reducers#count()} are such reducers.
 *
 * <p>Called as {@link Reducer#accumulate} is: on worker threads, once per successful task, never
 * concurrently for the same leaf; the methods must not block. They must agree with
 * {@code accumulate}: {@code accumulateLong(a, v) == accumulate(a, v)} for every {@code a} and {@code v}.
 */
public interface LongReducer<T> extends Reducer<T, Long> {

    /** {@link #accumulate} on an unboxed running value. */
    long accumulateLong(long acc, T value);

    /** {@link #accumulate} on an unboxed running value and an unboxed task value (from a {@link LongIndexTask}). */
    long accumulateLong(long acc, long value);
}
