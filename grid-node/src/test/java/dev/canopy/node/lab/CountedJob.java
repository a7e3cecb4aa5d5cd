package dev.canopy.node.lab;

import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.TaskContext;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The lab's job: tasks {@code 0..tasks-1}, each parking a while and returning its index, reduced
 * to a bit per index and the sum of the indices. A second contribution of any index fails the job
 * (the reducer throws), so an exact result proves every task was counted once.
 */
final class CountedJob {

    private CountedJob() {
    }

    static Job<Long, long[]> of(String name, int tasks, long parkMicros, int leafSize) {
        return Job.range(0, tasks, new Parking(parkMicros)).reduce(new CountedOnce(tasks)).leafSize(leafSize)
                .fanOut(4).name(name).build();
    }

    /** How many indices the result counts: {@code tasks} when exact. */
    static int counted(long[] result) {
        return BitSet.valueOf(Arrays.copyOf(result, result.length - 1)).cardinality();
    }

    /** The sum of the counted indices: {@code tasks * (tasks - 1) / 2} when exact. */
    static long sum(long[] result) {
        return result[result.length - 1];
    }

    static long exactSum(int tasks) {
        return (long) tasks * (tasks - 1) / 2;
    }

    /** Parks {@code micros} and returns its index. */
    record Parking(long micros) implements IndexTask<Long> {
        @Override
        public Long run(long index, TaskContext ctx) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros));
            return index;
        }
    }

    /** A bit per index and, in the last word, their sum; throws on an index counted twice. */
    record CountedOnce(int tasks) implements Reducer<Long, long[]> {
        @Override
        public long[] identity() {
            return new long[(tasks + 63) / 64 + 1];
        }

        @Override
        public long[] accumulate(long[] acc, Long index) {
            int word = (int) (index / 64);
            long bit = 1L << (index % 64);
            if ((acc[word] & bit) != 0) {
                throw new IllegalStateException("index " + index + " counted twice");
            }
            acc[word] |= bit;
            acc[acc.length - 1] += index;
            return acc;
        }

        @Override
        public long[] combine(long[] left, long[] right) {
            for (int i = 0; i < left.length - 1; i++) {
                if ((left[i] & right[i]) != 0) {
                    throw new IllegalStateException("an index in word " + i + " was counted twice");
                }
                left[i] |= right[i];
            }
            left[left.length - 1] += right[right.length - 1];
            return left;
        }
    }
}
