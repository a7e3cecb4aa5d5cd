package dev.canopy.grid.internal.engine;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.JobId;
import dev.canopy.grid.LongIndexTask;
import dev.canopy.grid.LongReducer;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.Task;
import dev.canopy.grid.internal.spec.JobSource;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.SubJobRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs one leaf on a worker thread: every task of its slice in order, accumulating results with
 * the job's reducer. A task that throws leaves a hole in the outcome, which the parent driver
 * fills by retrying the task elsewhere; the outcome is committed to the leaf's record and then
 * reported to the parent ({@link Commits}). Nothing per task touches the grid.
 *
 * <p>Failures outside the tasks each end one way: the reducer threw, and the job fails naming it;
 * the leaf's map data could not be read (a partition migrating, a member leaving), and the leaf is
 * queued again a few times before the job fails naming the map; anything else fails the job with
 * its true cause. None of them is relabelled, and none leaves the job waiting.
 */
final class LeafRun implements Runnable {

    /** Tasks between cancel checks in {@link #runLongs}, at most, and how long a block may take to grow. */
    private static final int MAX_BLOCK = 4096;
    private static final long BLOCK_NANOS = 100_000;

    private final Shared shared;
    private final Leaves leaves;
    private final LocalJob job;
    private final SubJobRecord leaf;
    private final Reducer<Object, Object> reducer;
    /** The reducer when it keeps a {@code long} running value, else null; then {@link #longAcc} is the running value. */
    private final LongReducer<Object> longReducer;

    private Object acc;
    private long longAcc;
    private long done;
    private final List<Piece> outcome = new ArrayList<>(1);
    private TaskContextImpl ctx;
    /** Times this leaf was queued again because its data could not be read. */
    int reruns;
    private volatile boolean markedRunning;
    /** The worker thread running this leaf, while it runs. Guarded by this. */
    private Thread runner;
    /** When this run's thread was interrupted for a cancel, or 0. Guarded by this. */
    private long interruptedNanos;
    private boolean abandoned;
    /**
     * The task running now: an index, or (for entries) {@link #atKey}. Plain fields, written per task
     * at the cost of a store, read only when the member leaves or the thread is abandoned (a stale
     * read then names a neighbouring task); in the hot loop of {@link #runLongs}, the first task
     * of the current block.
     */
    private long at = -1;
    private Object atKey;

    @SuppressWarnings("unchecked")
    LeafRun(Shared shared, Leaves leaves, LocalJob job, SubJobRecord leaf) {
        this.shared = shared;
        this.leaves = leaves;
        this.job = job;
        this.leaf = leaf;
        this.reducer = job.spec.reducer();
        this.longReducer = (Object) reducer instanceof LongReducer<?> r ? (LongReducer<Object>) r : null;
    }

    SubJobRecord leaf() {
        return leaf;
    }

    LocalJob job() {
        return job;
    }

    /** True the first time it is asked: a leaf is marked RUNNING in its record once. */
    boolean markRunningOnce() {
        if (markedRunning) {
            return false;
        }
        markedRunning = true;
        return true;
    }

    @Override
    public void run() {
        if (job.isCancelled()) {
            return;
        }
        synchronized (this) {
            runner = Thread.currentThread();
        }
        leaves.started(this);
        Thread thread = Thread.currentThread();
        ClassLoader nodeLoader = thread.getContextClassLoader();
        ClassLoader jobLoader = job.loader();
        if (jobLoader != null) {
            // a task that loads classes by name (a library using the context loader) finds the job's
            thread.setContextClassLoader(jobLoader);
        }
        try {
            runAndCommit();
        } catch (ReducerFailed e) {
            shared.verdicts().reducerFailed(job, e.getCause());
        } catch (DataUnavailable e) {
            leaves.rerunLater(this, e);
        } catch (RuntimeException | Error e) {
            shared.verdicts().jobFailed(job.jobId, job.spec.name(), "leaf " + leaf.path() + " failed on member "
                    + shared.localId() + " outside its tasks", e);
        } finally {
            if (jobLoader != null) {
                thread.setContextClassLoader(nodeLoader);
            }
            synchronized (this) {
                // after this, no interrupt meant for this run can reach the thread: the pool clears
                // the flag before the thread's next leaf
                runner = null;
            }
            leaves.ended(this);
        }
    }

    /** Interrupts the running thread, once: the job was cancelled. False when the leaf does not run. */
    synchronized boolean interruptIfRunning(long nowNanos) {
        if (runner == null || interruptedNanos != 0) {
            return false;
        }
        interruptedNanos = nowNanos;
        runner.interrupt();
        return true;
    }

    /**
     * Abandons the running thread to its task when it ignored the interrupt for longer than
     * {@code graceNanos}: the pool replaces it. True when it did so now.
     */
    synchronized boolean abandonIfStuck(WorkerPool workers, long nowNanos, long graceNanos) {
        if (runner == null || abandoned || interruptedNanos == 0 || nowNanos - interruptedNanos < graceNanos) {
            return false;
        }
        abandoned = workers.abandon(runner);
        return abandoned;
    }

    synchronized boolean isAbandoned() {
        return abandoned;
    }

    /** The thread running this leaf, or null. */
    synchronized Thread runner() {
        return runner;
    }

    /** The task running now, as the failure of a task names it ("index 7", "key k"). */
    String currentTask() {
        Object key = atKey;
        if (key != null) {
            return "key " + key;
        }
        long i = at;
        return i >= 0 ? "index " + i : "one of the tasks of leaf " + leaf.path();
    }

    private void runAndCommit() {
        ctx = new TaskContextImpl(JobId.parse(job.jobId), shared.grid(), shared.hz(), job);
        outcome.clear();
        done = 0;
        at = -1;
        atKey = null;
        resetAccumulator();
        long started = System.nanoTime();
        if (!runTasks()) {
            return; // cancelled midway
        }
        outcome.add(new Piece.Partial(job.toGrid(partial())));
        shared.metrics().leafRan(job.spec.name(), done, outcome.size() / 2, leaf.retry(), System.nanoTime() - started);
        // the commit travels while this worker runs its next leaf: it gets its own copy
        shared.commits().leaf(job, leaf, done, new ArrayList<>(outcome));
    }

    /** False when the job was cancelled midway. */
    @SuppressWarnings("unchecked")
    private boolean runTasks() {
        JobSource<Object> source = (JobSource<Object>) job.spec.source();
        Slice slice = leaf.slice();
        if (source instanceof JobSource.EntrySource<Object> entries) {
            return runEntries(entries, slice);
        }
        Slice.IndexSlice range = (Slice.IndexSlice) slice;
        if ((Object) source instanceof JobSource.LongRange longs) {
            return longReducer != null ? runLongs(longs, range.from(), range.to())
                    : runIndexed((i, c) -> longs.task().run(i, c), range.from(), range.to());
        }
        if (source instanceof JobSource.TaskList<Object> list) {
            List<Task<Object>> tasks = list.tasks();
            return runIndexed((i, c) -> tasks.get((int) i).run(c), range.from(), range.to());
        }
        return runIndexed(((JobSource.IndexRange<Object>) source).task(), range.from(), range.to());
    }

    /** The loop of range and list leaves: one call per task, a hole for each task that throws. */
    private boolean runIndexed(IndexTask<Object> task, long from, long to) {
        for (long i = from; i < to; i++) {
            if (job.isCancelled()) {
                return false;
            }
            at = i;
            Object value;
            try {
                value = task.run(i, ctx);
            } catch (Throwable t) {
                hole(i, "index " + i, t);
                continue;
            }
            accumulate(value);
        }
        return true;
    }

    /**
     * The hot loop of {@code Job.rangeToLong} with a {@link LongReducer}: the running value and the
     * count stay in locals and nothing is boxed per task, so a trivial task costs a call and an add.
     * It checks for a cancel between blocks of tasks: a volatile read per task would keep the JIT
     * from unrolling the loop, and a fixed block would delay the cancel of slow tasks, so blocks
     * grow while they stay short.
     */
    private boolean runLongs(JobSource.LongRange source, long from, long to) {
        LongIndexTask task = source.task();
        LongReducer<Object> sum = longReducer;
        long a = longAcc;
        long d = done;
        long i = from;
        int block = 1;
        while (i < to) {
            if (job.isCancelled()) {
                return false;
            }
            int n = (int) Math.min(block, to - i);
            at = i;
            long started = System.nanoTime();
            int k = 0;
            try {
                for (; k < n; k++) {
                    a = sum.accumulateLong(a, task.run(i + k, ctx));
                }
            } catch (Throwable t) {
                longAcc = a;
                done = d + k;
                hole(i + k, "index " + (i + k), t);
                a = longAcc;
                d = done;
                i += k + 1;
                continue;
            }
            d += n;
            i += n;
            if (block < MAX_BLOCK && System.nanoTime() - started < BLOCK_NANOS) {
                block <<= 1;
            }
        }
        longAcc = a;
        done = d;
        return true;
    }

    private boolean runEntries(JobSource.EntrySource<Object> source, Slice slice) {
        IMap<Object, Object> map = shared.hz().getMap(source.mapName());
        if (slice instanceof Slice.KeySlice s) {
            return runEntries(source, s.keys(), read(source, () -> map.getAll(new HashSet<>(s.keys()))));
        }
        for (int partition : ((Slice.PartitionSlice) slice).partitions()) {
            Set<Map.Entry<Object, Object>> entries = read(source, () -> map.entrySet(Predicates.partitionPredicate(
                    shared.placement().partitionKey(partition), Predicates.alwaysTrue())));
            List<Object> keys = new ArrayList<>(entries.size());
            Map<Object, Object> values = new HashMap<>(entries.size() * 2);
            for (Map.Entry<Object, Object> e : entries) {
                keys.add(e.getKey());
                values.put(e.getKey(), e.getValue());
            }
            if (!runEntries(source, keys, values)) {
                return false;
            }
        }
        return true;
    }

    private boolean runEntries(JobSource.EntrySource<Object> source, List<Object> keys, Map<Object, Object> values) {
        for (Object key : keys) {
            if (job.isCancelled()) {
                return false;
            }
            atKey = key;
            Object value;
            try {
                value = source.task().run(key, values.get(key), ctx);
            } catch (Throwable t) {
                hole(key, "key " + key, t);
                continue;
            }
            accumulate(value);
        }
        return true;
    }

    /** Reads the leaf's data from its map; a failure means the leaf runs again later, not a task failure. */
    private static <V> V read(JobSource.EntrySource<Object> source, Supplier<V> reading) {
        try {
            return reading.get();
        } catch (RuntimeException e) {
            throw new DataUnavailable(source.mapName(), e);
        }
    }

    private void accumulate(Object value) {
        try {
            if (longReducer != null) {
                longAcc = longReducer.accumulateLong(longAcc, value);
            } else {
                acc = reducer.accumulate(acc, value);
            }
        } catch (RuntimeException | Error e) {
            throw new ReducerFailed(e);
        }
        done++;
    }

    private Object partial() {
        return longReducer != null ? Long.valueOf(longAcc) : acc;
    }

    private void resetAccumulator() {
        try {
            if (longReducer != null) {
                longAcc = longReducer.identity();
            } else {
                acc = reducer.identity();
            }
        } catch (RuntimeException | Error e) {
            throw new ReducerFailed(e);
        }
    }

    /** Closes the partial so far and leaves a hole for the task that threw, naming the members it failed on. */
    private void hole(Object task, String label, Throwable error) {
        if (error instanceof VirtualMachineError vme && !(error instanceof StackOverflowError)) {
            // the task fails like any other; whether the member can go on is another question
            shared.health().taskThrew(vme, job.jobId + " ('" + job.spec.name() + "')", label);
        }
        outcome.add(new Piece.Partial(job.toGrid(partial())));
        resetAccumulator();
        Set<UUID> tried = new HashSet<>(leaf.triedOn() == null ? Set.of() : leaf.triedOn());
        tried.add(shared.localId());
        outcome.add(new Piece.Hole(task, label, leaf.taskAttempts(), tried, job.portableError(error)));
    }

    /** The reducer threw: the job fails as a whole, not the task. */
    private static final class ReducerFailed extends RuntimeException {
        ReducerFailed(Throwable cause) {
            super(cause);
        }
    }

    /** The leaf's map data could not be read: run the leaf again later. */
    static final class DataUnavailable extends RuntimeException {
        final String mapName;

        DataUnavailable(String mapName, RuntimeException cause) {
            super("could not read the entries of map '" + mapName + "': " + cause.getMessage(), cause);
            this.mapName = mapName;
        }
    }
}
