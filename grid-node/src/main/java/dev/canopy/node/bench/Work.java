package dev.canopy.node.bench;

import dev.canopy.grid.IndexTask;
import dev.canopy.grid.LongIndexTask;
import dev.canopy.grid.TaskContext;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * The benchmark's task, the same code for every contender: burns {@code costNanos} of CPU and
 * returns a hash of its index. A trivial task is the hash alone (a few ns): a real computation
 * the JIT cannot fold away across tasks, as it would a task returning its index. Every
 * contender's sum is checked against {@link #expectedSum}.
 */
final class Work {

    private Work() {
    }

    /** Sink for the spin loop's value, so the JIT cannot drop the loop. */
    static volatile long sink;

    static long run(long index, long costNanos) {
        if (costNanos <= 0) {
            return mix(index);
        }
        long end = System.nanoTime() + costNanos;
        long x = index;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 64; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        if (x == 42) {
            sink = x;
        }
        return mix(index);
    }

    /** A few nanoseconds of arithmetic: Stafford's 64-bit mix, kept to 20 bits so sums cannot overflow. */
    static long mix(long index) {
        long z = index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 44;
    }

    /** The sum every contender must return for {@code tasks} tasks, computed once on one thread. */
    static long expectedSum(long tasks) {
        return EXPECTED.computeIfAbsent(tasks, n -> {
            long sum = 0;
            for (long i = 0; i < n; i++) {
                sum += mix(i);
            }
            return sum;
        });
    }

    private static final java.util.Map<Long, Long> EXPECTED = new java.util.concurrent.ConcurrentHashMap<>();

    /** (a) Canopy: one task per index, returning an unboxed long ({@code Job.rangeToLong}). */
    record CanopyTask(long costNanos) implements LongIndexTask {
        @Override
        public long run(long index, TaskContext ctx) {
            return Work.run(index, costNanos);
        }
    }

    /** (a) as a user of {@code Job.range} writes it: each value boxed to a {@code Long}. */
    record BoxedCanopyTask(long costNanos) implements IndexTask<Long> {
        @Override
        public Long run(long index, TaskContext ctx) {
            return Work.run(index, costNanos);
        }
    }

    /** (b) the raw executor: one callable per task. */
    record OneTask(long index, long costNanos) implements Callable<Long>, Serializable {
        @Override
        public Long call() {
            return Work.run(index, costNanos);
        }
    }

    /** (c) hand-made batches: one callable per member chunk, run on one executor thread. */
    record Chunk(long from, long to, long costNanos) implements Callable<Long>, Serializable {
        @Override
        public Long call() {
            long sum = 0;
            for (long i = from; i < to; i++) {
                sum += Work.run(i, costNanos);
            }
            return sum;
        }
    }

    /** The raw executor's round trip: a call that does nothing. */
    static final class Ping implements Callable<Long>, Serializable {
        @Override
        public Long call() {
            return 1L;
        }
    }
}
