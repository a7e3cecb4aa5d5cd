package dev.canopy.examples;

import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.TaskContext;

import java.io.PrintStream;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * The peer pattern: a task that drives a job of its own.
 *
 * <p>The outer job has {@code outer} tasks; task {@code k} submits, through
 * {@link TaskContext#grid()}, an inner {@link Job#range range} job of {@code inner} tasks that
 * square the indexes {@code [k * inner, (k + 1) * inner)}, waits for its sum and returns it. The
 * outer job sums the inner sums. Any member can be the driver of an inner job; while a task waits
 * for its inner job, its worker slot is lent to other leaves, so the nesting does not starve the
 * workers.
 *
 * <p>Options: {@code --outer N} (default 8) and {@code --inner N} (default 1,000), at most 2,000,000 indexes in
 * all. The check: the
 * result is the sum of the squares of {@code [0, outer * inner)}, {@code n (n - 1) (2n - 1) / 6}.
 */
public final class NestedExample implements Example {

    static final int DEFAULT_OUTER = 8;
    static final int DEFAULT_INNER = 1_000;
    /** The most indexes in all, so that the sum of their squares fits in a long. */
    static final long MAX_TOTAL = 2_000_000;

    @Override
    public String name() {
        return "nested";
    }

    @Override
    public String description() {
        return "Peer pattern: each task of an outer job submits an inner job and waits for it (--outer N, --inner N)";
    }

    /** The outer job: task {@code k} returns the sum of squares of its inner job's range. */
    public static Job<Long, Long> job(int outer, int inner) {
        if (outer < 1) {
            throw new IllegalArgumentException("outer must be >= 1 but was " + outer);
        }
        if (inner < 1) {
            throw new IllegalArgumentException("inner must be >= 1 but was " + inner);
        }
        if ((long) outer * inner > MAX_TOTAL) {
            throw new IllegalArgumentException("outer * inner must be at most " + MAX_TOTAL
                    + " (the sum of squares must fit in a long) but was " + outer + " * " + inner);
        }
        return Job.range(0, outer, (k, ctx) -> innerSum(k, inner, ctx))
                .reduce(Reducers.sumLong())
                .name("nested-outer")
                .leafSize(1)
                .build();
    }

    /** Runs on a worker: submits the inner job of outer task {@code k} and waits for its sum. */
    static long innerSum(long k, int inner, TaskContext ctx) throws Exception {
        long from = k * inner;
        Job<Long, Long> job = Job.range(from, from + inner, (i, c) -> i * i)
                .reduce(Reducers.sumLong())
                .name("nested-inner-" + k)
                .build();
        return Jobs.await(ctx.grid().submit(job));
    }

    /** The sum of {@code i * i} for {@code i} in {@code [0, n)}. */
    static long sumOfSquaresBelow(long n) {
        BigInteger big = BigInteger.valueOf(n);
        return big.multiply(big.subtract(BigInteger.ONE))
                .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
                .divide(BigInteger.valueOf(6))
                .longValueExact();
    }

    @Override
    public Result run(Grid grid, List<String> args, PrintStream out) throws Exception {
        Args options = Args.parse(name(), args, Set.of("outer", "inner"));
        int outer = options.intValue("outer", DEFAULT_OUTER, 1, 10_000);
        int inner = options.intValue("inner", DEFAULT_INNER, 1, (int) MAX_TOTAL);
        long n = (long) outer * inner;
        if (n > MAX_TOTAL) {
            throw new IllegalArgumentException(name() + ": --outer times --inner must be at most " + MAX_TOTAL
                    + " (the sum of squares must fit in a long) but was " + outer + " * " + inner);
        }
        out.printf("nested: %,d outer tasks, each driving an inner job of %,d tasks%n", outer, inner);

        long start = System.nanoTime();
        long sum = Jobs.await(grid.submit(job(outer, inner)));
        long millis = Jobs.millisSince(start);

        long expected = sumOfSquaresBelow(n);
        boolean ok = sum == expected;
        String summary = String.format("sum of i^2 for i < %,d = %,d; closed form n(n-1)(2n-1)/6 = %,d%s",
                n, sum, expected, ok ? "" : " (DIFFERENT)");
        out.printf("nested: done in %,d ms%n", millis);
        out.println(ok ? "OK: " + summary : "FAILED: " + summary);
        return new Result(ok, summary);
    }
}
