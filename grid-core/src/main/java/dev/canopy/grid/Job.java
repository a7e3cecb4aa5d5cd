package dev.canopy.grid;

import dev.canopy.grid.internal.spec.JobSource;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.spec.JobSpecs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A job: a set of tasks and a {@link Reducer}, submitted as one unit with {@link Grid#submit}.
 * Immutable once built.
 *
 * <pre>{@code
 * Job<Long, Long> job = Job.range(0, 1_000_000, (i, ctx) -> i * i)
 *         .reduce(Reducers.sumLong())
 *         .name("squares").fanOut(16)
 *         .build();
 * }</pre>
 *
 * <p>For tasks of a few nanoseconds that return a number, {@link #rangeToLong} avoids boxing each value.
 *
 * <p>Task order, used when partials are combined: the index order for {@link #range} and
 * {@link #of}; for {@link #keyed} and {@link #overMap}, which run where their data lives, keys are
 * grouped by partition and the order is by partition, then key order within a partition.
 */
public final class Job<T, R> {

    /** Default attempts per task. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    static {
        // a graph's driver reads the spec of the jobs its stage factories return (see JobSpecs)
        JobSpecs.register(job -> ((Job<?, ?>) job).spec);
    }

    final JobSpec<T, R> spec;

    private Job(JobSpec<T, R> spec) {
        this.spec = spec;
    }

    /** One task per index in {@code [from, to)}. */
    public static <T> Builder<T, Void> range(long from, long to, IndexTask<T> task) {
        return new Builder<>(() -> {
            Builder.require(task, "task", "pass an IndexTask such as (i, ctx) -> i");
            checkRange(from, to);
            return new JobSource.IndexRange<>(from, to, task);
        });
    }

    /**
     * One task per index in {@code [from, to)}, each returning a {@code long}: the fastest range job
     * for fine-grained work, as values and running totals stay unboxed with
     * {@link Reducers#sumLong()} and {@link Reducers#count()}.
     */
    public static Builder<Long, Void> rangeToLong(long from, long to, LongIndexTask task) {
        Builder.require(task, "task", "pass a LongIndexTask such as (i, ctx) -> i * i");
        return new Builder<>(() -> {
            checkRange(from, to);
            return new JobSource.LongRange(from, to, task);
        });
    }

    /** The given tasks, in list order. */
    public static <T> Builder<T, Void> of(List<? extends Task<T>> tasks) {
        return new Builder<>(() -> {
            Builder.require(tasks, "tasks", "pass a list of Task");
            List<Task<T>> copy = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                copy.add(Builder.require(tasks.get(i), "task at index " + i, "remove it or pass a Task"));
            }
            return new JobSource.TaskList<>(copy);
        });
    }

    /** One task per key of {@code mapName}, run on the member owning the key's partition. */
    @SuppressWarnings("unchecked")
    public static <K, V, T> Builder<T, Void> keyed(String mapName, Collection<K> keys, EntryTask<K, V, T> task) {
        return new Builder<>(() -> {
            Builder.require(mapName, "map name", "pass the name of an IMap");
            Builder.require(keys, "keys", "pass a collection of keys");
            Builder.require(task, "task", "pass an EntryTask such as (k, v, ctx) -> v");
            List<Object> copy = new ArrayList<>(keys);
            for (int i = 0; i < copy.size(); i++) {
                Builder.require(copy.get(i), "key at position " + i, "IMap keys cannot be null");
            }
            return new JobSource.KeyedEntries<>(mapName, copy, (EntryTask<Object, Object, T>) task);
        });
    }

    /** One task per entry of {@code mapName}, each partition's entries on that partition's owner. */
    @SuppressWarnings("unchecked")
    public static <K, V, T> Builder<T, Void> overMap(String mapName, EntryTask<K, V, T> task) {
        return new Builder<>(() -> {
            Builder.require(mapName, "map name", "pass the name of an IMap");
            Builder.require(task, "task", "pass an EntryTask such as (k, v, ctx) -> v");
            return new JobSource.MapEntries<>(mapName, (EntryTask<Object, Object, T>) task);
        });
    }

    private static void checkRange(long from, long to) {
        if (from > to) {
            throw new IllegalArgumentException("range from must be <= to but was from=" + from + ", to=" + to);
        }
    }

    public String name() {
        return spec.name();
    }

    /** The fan-out set on the job, or 0 when it uses the grid's ({@code fanOut} in the node config, default 16). */
    public int fanOut() {
        return spec.settings().fanOut();
    }

    /** The leaf size set on the job, or 0 when the grid chooses it from the job size and the cluster. */
    public int leafSize() {
        return spec.settings().leafSize();
    }

    public int maxAttempts() {
        return spec.settings().maxAttempts();
    }

    /** The job's timeout, or {@link Duration#ZERO} for none. */
    public Duration timeout() {
        return Duration.ofMillis(spec.settings().timeoutMillis());
    }

    public int priority() {
        return spec.settings().priority();
    }

    public int tolerateFailures() {
        return spec.settings().tolerateFailures();
    }

    /**
     * Collects a job's settings. Each setter checks its value; {@link #build()} checks that the
     * job is complete. Every bad value is an {@link IllegalArgumentException} naming it.
     */
    public static final class Builder<T, R> {
        /** Makes the job's source at {@link #build()}, checking what the factory method was given. */
        private final Supplier<JobSource<T>> source;
        private Reducer<? super T, R> reducer;
        private String name = "job";
        private int fanOut;
        private int leafSize;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private long timeoutMillis;
        private int priority;
        private int tolerateFailures;

        private Builder(Supplier<JobSource<T>> source) {
            this.source = source;
        }

        /** Sets how task results combine into the job's result. Required. */
        @SuppressWarnings("unchecked")
        public <R2> Builder<T, R2> reduce(Reducer<? super T, R2> reducer) {
            Builder<T, R2> self = (Builder<T, R2>) this;
            self.reducer = require(reducer, "reducer", "pass a Reducer such as Reducers.sumLong()");
            return self;
        }

        /** A name shown in listings and metrics; default "job". */
        public Builder<T, R> name(String name) {
            this.name = require(name, "name", "pass a short job name");
            return this;
        }

        /** The most children of any one driver, at least 2; by default the grid's {@code fanOut} (16). */
        public Builder<T, R> fanOut(int fanOut) {
            if (fanOut < 2) {
                throw new IllegalArgumentException("fanOut must be >= 2 but was " + fanOut);
            }
            this.fanOut = fanOut;
            return this;
        }

        /** Tasks per leaf, at least 1; by default the grid's {@code leafSize}, or chosen from the job size and the grid's workers. */
        public Builder<T, R> leafSize(int leafSize) {
            if (leafSize < 1) {
                throw new IllegalArgumentException("leafSize must be >= 1 but was " + leafSize);
            }
            this.leafSize = leafSize;
            return this;
        }

        /** Runs of a task before it counts as failed, at least 1; default 3. */
        public Builder<T, R> maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Cancels the job when it runs longer; zero means no timeout (the default). */
        public Builder<T, R> timeout(Duration timeout) {
            require(timeout, "timeout", "pass a Duration, or Duration.ZERO for none");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be >= 0 but was " + timeout);
            }
            this.timeoutMillis = timeout.toMillis();
            return this;
        }

        /** Leaves of higher-priority jobs run first; default 0. */
        public Builder<T, R> priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** The job still completes when at most {@code n} tasks fail for good; default 0. */
        public Builder<T, R> tolerateFailures(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("tolerateFailures must be >= 0 but was " + n);
            }
            this.tolerateFailures = n;
            return this;
        }

        @SuppressWarnings("unchecked")
        public Job<T, R> build() {
            require(reducer, "reducer", "call reduce(...) before build(), e.g. reduce(Reducers.count())");
            JobSpec.Settings settings = new JobSpec.Settings(name, fanOut, leafSize, maxAttempts, timeoutMillis,
                    priority, tolerateFailures);
            JobSpec<T, R> spec = new JobSpec<>(source.get(), (Reducer<T, R>) reducer, settings);
            return new Job<>(spec);
        }

        static <V> V require(V value, String what, String fix) {
            if (value == null) {
                throw new IllegalArgumentException(what + " must not be null: " + fix);
            }
            return value;
        }
    }

    @Override
    public String toString() {
        return "Job[" + spec + "]";
    }

    static <T, R> JobSpec<T, R> specOf(Job<T, R> job) {
        return Objects.requireNonNull(job, "job").spec;
    }
}
