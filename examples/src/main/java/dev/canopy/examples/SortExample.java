package dev.canopy.examples;

import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.Reducers;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Distributed merge sort: the reducer does the real work, at every level of the job's tree.
 *
 * <p>The input is {@code count} pseudo-random longs in blocks of {@code blockSize}: block
 * {@code b} is drawn from a {@link SplittableRandom} seeded with {@code b}, so any member can make
 * any block and a block run twice is the same block. Each task of the {@link Job#range range} job
 * makes one block and sorts it, a sorted run. The reducer merges two sorted runs into one, and
 * since the grid reduces partials on the way up its tree (each leaf merges its runs, each driver
 * the runs of its children), the job's result is the whole input, sorted: a tree merge sort.
 *
 * <p>Options: {@code --count N} values (default 10,000,000: 80 MB as a {@code long[]}, and the
 * grid holds partials of that size on the way up, so give the members a heap of a few GB) and
 * {@code --block N} values per task (default 100,000). The check: the output is sorted, has
 * {@code count} values, and has the same sum and xor as the input, which is made again here on one
 * thread.
 */
public final class SortExample implements Example {

    static final long DEFAULT_COUNT = 10_000_000;
    static final int DEFAULT_BLOCK = 100_000;

    @Override
    public String name() {
        return "sort";
    }

    @Override
    public String description() {
        return "Merge sort of pseudo-random longs: leaves sort blocks, the reducer merges sorted runs up the tree"
                + " (--count N, --block N)";
    }

    /** The job: one task per block, each a sorted run; the result is all {@code count} values, sorted. */
    public static Job<long[], long[]> job(long count, int blockSize) {
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("count must be between 0 and " + (Integer.MAX_VALUE - 8)
                    + " (one long[]) but was " + count);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1 but was " + blockSize);
        }
        long blocks = blocks(count, blockSize);
        Reducer<long[], long[]> mergeRuns = Reducers.of(() -> new long[0], SortExample::merge, SortExample::merge);
        return Job.range(0, blocks, (block, ctx) -> sortedBlock(block, count, blockSize))
                .reduce(mergeRuns)
                .name("sort")
                .leafSize(1)
                .build();
    }

    static long blocks(long count, int blockSize) {
        return (count + blockSize - 1) / blockSize;
    }

    /** The values of {@code block}: its share of {@code count}, drawn from a random seeded with the block's index. */
    static long[] block(long block, long count, int blockSize) {
        long from = block * blockSize;
        int size = (int) Math.min(blockSize, count - from);
        SplittableRandom random = new SplittableRandom(block);
        long[] values = new long[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextLong();
        }
        return values;
    }

    /** Block {@code block}, sorted: one sorted run. */
    static long[] sortedBlock(long block, long count, int blockSize) {
        long[] values = block(block, count, blockSize);
        Arrays.sort(values);
        return values;
    }

    /** The sorted merge of two sorted runs. Either may be returned as it is when the other is empty. */
    static long[] merge(long[] left, long[] right) {
        if (left.length == 0) {
            return right;
        }
        if (right.length == 0) {
            return left;
        }
        long[] merged = new long[left.length + right.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < left.length && j < right.length) {
            merged[k++] = left[i] <= right[j] ? left[i++] : right[j++];
        }
        System.arraycopy(left, i, merged, k, left.length - i);
        k += left.length - i;
        System.arraycopy(right, j, merged, k, right.length - j);
        return merged;
    }

    /** True when {@code values} is in ascending order. */
    static boolean isSorted(long[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i - 1] > values[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Result run(Grid grid, List<String> args, PrintStream out) throws Exception {
        Args options = Args.parse(name(), args, Set.of("count", "block"));
        long count = options.longValue("count", DEFAULT_COUNT, 0, Integer.MAX_VALUE - 8);
        int blockSize = options.intValue("block", DEFAULT_BLOCK, 1, Integer.MAX_VALUE);
        out.printf("sort: %,d longs in %,d blocks of up to %,d%n", count, blocks(count, blockSize), blockSize);

        long start = System.nanoTime();
        long[] sorted = Jobs.await(grid.submit(job(count, blockSize)));
        long millis = Jobs.millisSince(start);

        // the input, made again on this thread: its sum and xor must survive the sort
        long inputSum = 0;
        long inputXor = 0;
        for (long b = 0; b < blocks(count, blockSize); b++) {
            for (long v : block(b, count, blockSize)) {
                inputSum += v;
                inputXor ^= v;
            }
        }
        long sum = 0;
        long xor = 0;
        for (long v : sorted) {
            sum += v;
            xor ^= v;
        }
        boolean inOrder = isSorted(sorted);
        boolean ok = inOrder && sorted.length == count && sum == inputSum && xor == inputXor;

        if (sorted.length > 0) {
            out.printf("sort: sorted in %,d ms; min %,d, median %,d, max %,d%n", millis, sorted[0],
                    sorted[sorted.length / 2], sorted[sorted.length - 1]);
        } else {
            out.printf("sort: nothing to sort (%,d ms)%n", millis);
        }
        String summary = String.format("%,d values, %s, sum %s and xor %s the input's (%,d expected)",
                sorted.length, inOrder ? "in order" : "NOT in order",
                sum == inputSum ? "equal to" : "DIFFERENT from", xor == inputXor ? "equal to" : "DIFFERENT from", count);
        out.println(ok ? "OK: " + summary : "FAILED: " + summary);
        return new Result(ok, summary);
    }
}
