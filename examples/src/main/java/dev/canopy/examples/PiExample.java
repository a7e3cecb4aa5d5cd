package dev.canopy.examples;

import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Monte Carlo estimate of pi: the smallest complete job, a {@link Job#range range} of independent
 * tasks summed with {@link Reducers#sumLong()}.
 *
 * <p>Task {@code i} draws {@code samples} points in the unit square from a
 * {@link SplittableRandom} seeded with {@code i} and returns how many fall inside the quarter circle.
 * Because each task's randomness depends on its index only, the result is the same on any number
 * of members, and also when a task is run again after a failure. The estimate is
 * {@code 4 * hits / (tasks * samples)}.
 *
 * <p>Options: {@code --tasks N} (default 50,000) and {@code --samples N} points per task (default
 * 10,000): 500 million points in all, about two seconds on two cores. The check: the estimate is
 * within 0.01 of {@link Math#PI}, or, for samples too small to promise that, within six standard
 * errors.
 */
public final class PiExample implements Example {

    static final long DEFAULT_TASKS = 50_000;
    static final int DEFAULT_SAMPLES = 10_000;
    static final double TOLERANCE = 0.01;

    @Override
    public String name() {
        return "pi";
    }

    @Override
    public String description() {
        return "Monte Carlo pi: a range job of independent sampling tasks, summed (--tasks N, --samples N)";
    }

    /**
     * The job: one task per index in {@code [0, tasks)}, each returning the hits among its
     * {@code samples} points; the result is the total number of hits.
     */
    public static Job<Long, Long> job(long tasks, int samples) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be >= 1 but was " + tasks);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1 but was " + samples);
        }
        return Job.range(0, tasks, (index, ctx) -> hits(index, samples))
                .reduce(Reducers.sumLong())
                .name("pi")
                .build();
    }

    /** The points, among {@code samples} drawn for task {@code index}, inside the quarter circle. */
    static long hits(long index, int samples) {
        SplittableRandom random = new SplittableRandom(index);
        long hits = 0;
        for (int s = 0; s < samples; s++) {
            double x = random.nextDouble();
            double y = random.nextDouble();
            if (x * x + y * y < 1.0) {
                hits++;
            }
        }
        return hits;
    }

    /** Pi estimated from {@code hits} among {@code points}. */
    static double estimate(long hits, double points) {
        return 4.0 * hits / points;
    }

    /** The error allowed for {@code points} samples: 0.01, or six standard errors when that is larger. */
    static double tolerance(double points) {
        double p = Math.PI / 4;
        double standardError = 4 * Math.sqrt(p * (1 - p) / points);
        return Math.max(TOLERANCE, 6 * standardError);
    }

    @Override
    public Result run(Grid grid, List<String> args, PrintStream out) throws Exception {
        Args options = Args.parse(name(), args, Set.of("tasks", "samples"));
        long tasks = options.longValue("tasks", DEFAULT_TASKS, 1, Long.MAX_VALUE / 2);
        int samples = options.intValue("samples", DEFAULT_SAMPLES, 1, Integer.MAX_VALUE);
        double points = (double) tasks * samples;

        out.printf("pi: %,d tasks x %,d samples = %,.0f points%n", tasks, samples, points);
        long start = System.nanoTime();
        long hits = Jobs.await(grid.submit(job(tasks, samples)));
        long millis = Jobs.millisSince(start);

        double pi = estimate(hits, points);
        double error = pi - Math.PI;
        double tolerance = tolerance(points);
        boolean ok = Math.abs(error) < tolerance;
        out.printf("pi: %,d hits -> estimate %.6f, error %+.6f (allowed %.4f) in %,d ms%n",
                hits, pi, error, tolerance, millis);
        String summary = String.format("pi ~ %.6f from %,.0f points, error %+.6f %s %.4f",
                pi, points, error, ok ? "within" : "NOT within", tolerance);
        out.println(ok ? "OK: " + summary : "FAILED: " + summary);
        return new Result(ok, summary);
    }
}
