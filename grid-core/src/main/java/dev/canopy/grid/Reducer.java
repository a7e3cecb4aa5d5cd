package dev.canopy.grid;

import java.io.Serializable;

/**
 * Combines task results into a job result, like
 * {@code Stream.reduce(identity, accumulator, combiner)}.
 *
 * <p>{@link #identity()} must return a fresh value on every call: accumulators may mutate and
 * return it. {@link #accumulate} is called on worker threads, one call per successful task, never
 * concurrently for the same accumulator. {@link #combine} is called on driver threads at every
 * level of the job's tree; partials are combined in task order, so order-keeping reducers work.
 * It must be associative: {@code combine(combine(a, b), c)} must equal {@code combine(a, combine(b, c))},
 * because the tree, not the user, decides which partials are grouped first (it depends on the
 * members, the fan-out and the leaf size, and changes when work is re-delegated). It need not be
 * commutative: the order of partials is always the task order. None of the methods should block. Partials are serialized to travel up
 * the tree, so they must be {@link Serializable}. A reducer that throws fails its job.
 */
public interface Reducer<T, R> extends Serializable {

    R identity();

    R accumulate(R acc, T value);

    R combine(R left, R right);
}
