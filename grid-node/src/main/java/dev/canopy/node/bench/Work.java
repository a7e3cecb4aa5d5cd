package dev.canopy.node.bench;

import dev.canopy.grid.IndexTask;
import dev.canopy.grid.TaskContext;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * The benchmark's task, the same code for every contender: burns {@code costNanos} of CPU (none
 * for a trivial task) and returns its index, so every contender's sum has the closed form
 * n(n-1)/2.
 */
final class Work {

    private Work() {
    }

    /** Sink for the spin loop's value, so the JIT cannot drop the loop. */
    static volatile long sink;

    static long run(long index, long costNanos) {
        if (costNanos <= 0) {
            return index;
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
        return index;
    }

    /** (a) Canopy: one index task per index. */
    record CanopyTask(long costNanos) implements IndexTask<Long> {
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
