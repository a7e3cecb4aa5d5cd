package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.spec.BoxingIndexTask;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.spec.LongAccumulator;
import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.store.SubJobRecord;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.JobId;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.Task;
import dev.canopy.grid.internal.store.Pieces.Hole;
import dev.canopy.grid.internal.store.Pieces.Partial;
import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import dev.canopy.grid.internal.spec.Slice.KeySlice;
import dev.canopy.grid.internal.spec.Slice.PartitionSlice;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Runs one leaf on a worker thread: every task of its slice in order, accumulating results with
 * the job's reducer. A task that throws leaves a hole in the outcome, which the parent driver
 * fills by retrying the task elsewhere; the outcome is committed to the leaf's record and then
 * reported to the parent. Nothing per task touches the grid.
 */
final class LeafRun implements Runnable {

    private final Engine engine;
    private final LocalJob job;
    private final SubJobRecord leaf;

    private Object acc;
    private long done;
    private final List<Object> outcome = new ArrayList<>(1);
    int reruns;
    private volatile boolean markedRunning;

    LeafRun(Engine engine, LocalJob job, SubJobRecord leaf) {
        this.engine = engine;
        this.job = job;
        this.leaf = leaf;
    }

    SubJobRecord leaf() {
        return leaf;
    }

    LocalJob job() {
        return job;
    }

    @Override
    public void run() {
        if (job.isCancelled()) {
            return;
        }
        engine.leafStarted(this);
        try {
            runAndCommit();
        } finally {
            engine.leafEnded(this);
        }
    }

    private void runAndCommit() {
        JobSpec<Object, Object> spec = job.spec;
        Reducer<Object, Object> reducer = spec.reducer();
        TaskContextImpl ctx = new TaskContextImpl(JobId.parse(job.jobId), engine.grid(), engine.hazelcast(), job);
        outcome.clear();
        done = 0;
        long started = System.nanoTime();
        try {
            acc = reducer.identity();
            boolean finished = runTasks(spec, reducer, ctx);
            if (!finished) {
                return;
            }
        } catch (ReducerFailed e) {
            engine.lifecycle().failOnReducer(job.jobId, e.getCause());
            return;
        } catch (RuntimeException e) {
            // reading the leaf's data failed (a partition migrating, a member leaving): run it again
            engine.rerunLater(job, this, leaf, e);
            return;
        }
        outcome.add(new Partial(acc));
        engine.metrics().leafRan(spec.name(), done, outcome.size() / 2, leaf.taskAttempts() > 1, System.nanoTime() - started);
        // the commit travels while this worker runs its next leaf: it gets its own copy
        engine.commitLeaf(job, leaf, done, new ArrayList<>(outcome));
    }

    /** True the first time it is asked: the engine marks a leaf RUNNING in its record once. */
    boolean markRunningOnce() {
        if (markedRunning) {
            return false;
        }
        markedRunning = true;
        return true;
    }

    /** False when the job was cancelled midway. */
    private boolean runTasks(JobSpec<Object, Object> spec, Reducer<Object, Object> reducer, TaskContextImpl ctx) {
        Slice slice = leaf.slice();
        if (slice instanceof IndexSlice s) {
            return spec.kind() == JobSpec.Kind.RANGE ? runRange(spec.indexTask(), reducer, ctx, s.from(), s.to())
                    : runList(spec.tasks(), reducer, ctx, (int) s.from(), (int) s.to());
        }
        IMap<Object, Object> map = engine.hazelcast().getMap(spec.mapName());
        if (slice instanceof KeySlice s) {
            Map<Object, Object> values = map.getAll(new HashSet<>(s.keys()));
            return runEntries(spec, reducer, ctx, s.keys(), values);
        }
        for (int partition : ((PartitionSlice) slice).partitions()) {
            Set<Map.Entry<Object, Object>> entries = map.entrySet(
                    Predicates.partitionPredicate(engine.placement().partitionKey(partition), Predicates.alwaysTrue()));
            List<Object> keys = new ArrayList<>(entries.size());
            Map<Object, Object> values = new java.util.HashMap<>(entries.size() * 2);
            for (Map.Entry<Object, Object> e : entries) {
                keys.add(e.getKey());
                values.put(e.getKey(), e.getValue());
            }
            if (!runEntries(spec, reducer, ctx, keys, values)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The hot loop of a range leaf: the accumulator and the count stay in locals, so a reducer the
     * JIT inlines (as sumLong) need not box per task; they are written back at a hole and at the end.
     */
    private boolean runRange(IndexTask<Object> task, Reducer<Object, Object> reducer, TaskContextImpl ctx,
                             long from, long to) {
        if (reducer instanceof LongAccumulator primitive && acc instanceof Long) {
            return (Object) task instanceof BoxingIndexTask unboxed
                    ? runRangeOfLongs(unboxed.task(), primitive, reducer, ctx, from, to)
                    : runRangeLong(task, primitive, reducer, ctx, from, to);
        }
        Object a = acc;
        long d = done;
        for (long i = from; i < to; i++) {
            if (job.isCancelled()) {
                return false;
            }
            Object value;
            try {
                value = task.run(i, ctx);
            } catch (Throwable t) {
                acc = a;
                done = d;
                hole(reducer, i, "index " + i, t);
                a = acc;
                continue;
            }
            try {
                a = reducer.accumulate(a, value);
            } catch (RuntimeException e) {
                throw new ReducerFailed(e);
            }
            d++;
        }
        acc = a;
        done = d;
        return true;
    }

    /** {@link #runRange} for a reducer with a {@code long} accumulator: no boxing of the accumulator per task. */
    private boolean runRangeLong(IndexTask<Object> task, LongAccumulator primitive, Reducer<Object, Object> reducer,
                                 TaskContextImpl ctx, long from, long to) {
        long a = (Long) acc;
        long d = done;
        for (long i = from; i < to; i++) {
            if (job.isCancelled()) {
                return false;
            }
            Object value;
            try {
                value = task.run(i, ctx);
            } catch (Throwable t) {
                acc = a;
                done = d;
                hole(reducer, i, "index " + i, t);
                a = (Long) acc;
                continue;
            }
            try {
                a = primitive.accumulateLong(a, value);
            } catch (RuntimeException e) {
                throw new ReducerFailed(e);
            }
            d++;
        }
        acc = a;
        done = d;
        return true;
    }

    /**
     * {@link #runRangeLong} for a {@link dev.canopy.grid.LongIndexTask}: nothing is boxed per task.
     * The loop is written twice on purpose: one loop over both task types would have to pass values
     * as objects, which is the boxing this one exists to avoid.
     */
    private boolean runRangeOfLongs(dev.canopy.grid.LongIndexTask task, LongAccumulator primitive,
                                    Reducer<Object, Object> reducer, TaskContextImpl ctx, long from, long to) {
        long a = (Long) acc;
        long d = done;
        long i = from;
        int block = 1;
        while (i < to) {
            if (job.isCancelled()) {
                return false;
            }
            // blocks between cancel checks grow while they stay short: a volatile read per task would
            // keep the JIT from unrolling this loop, and a fixed block would delay a cancel of slow tasks
            int n = (int) Math.min(block, to - i);
            long started = System.nanoTime();
            int k = 0;
            try {
                for (; k < n; k++) {
                    a = primitive.accumulateLong(a, task.run(i + k, ctx));
                }
            } catch (Throwable t) {
                acc = a;
                d += k;
                hole(reducer, i + k, "index " + (i + k), t);
                a = (Long) acc;
                i += k + 1;
                continue;
            }
            d += n;
            i += n;
            if (block < MAX_BLOCK && System.nanoTime() - started < BLOCK_NANOS) {
                block <<= 1;
            }
        }
        acc = a;
        done = d;
        return true;
    }

    /** Tasks between cancel checks in {@link #runRangeOfLongs}, at most, and how long a block may take to grow. */
    private static final int MAX_BLOCK = 4096;
    private static final long BLOCK_NANOS = 100_000;

    private boolean runList(List<Task<Object>> tasks, Reducer<Object, Object> reducer, TaskContextImpl ctx,
                            int from, int to) {
        for (int i = from; i < to; i++) {
            if (job.isCancelled()) {
                return false;
            }
            Object value;
            try {
                value = tasks.get(i).run(ctx);
            } catch (Throwable t) {
                hole(reducer, (long) i, "index " + i, t);
                continue;
            }
            accumulate(reducer, value);
        }
        return true;
    }

    private boolean runEntries(JobSpec<Object, Object> spec, Reducer<Object, Object> reducer, TaskContextImpl ctx,
                               List<Object> keys, Map<Object, Object> values) {
        for (Object key : keys) {
            if (job.isCancelled()) {
                return false;
            }
            Object value;
            try {
                value = spec.entryTask().run(key, values.get(key), ctx);
            } catch (Throwable t) {
                hole(reducer, key, "key " + key, t);
                continue;
            }
            accumulate(reducer, value);
        }
        return true;
    }

    private void accumulate(Reducer<Object, Object> reducer, Object value) {
        try {
            acc = reducer.accumulate(acc, value);
        } catch (RuntimeException e) {
            throw new ReducerFailed(e);
        }
        done++;
    }

    private void hole(Reducer<Object, Object> reducer, Object task, String label, Throwable error) {
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error;
        }
        outcome.add(new Partial(acc));
        try {
            acc = reducer.identity();
        } catch (RuntimeException e) {
            throw new ReducerFailed(e);
        }
        Set<UUID> tried = new HashSet<>(leaf.triedOn() == null ? Set.of() : leaf.triedOn());
        tried.add(engine.localId());
        outcome.add(new Hole(task, label, leaf.taskAttempts(), tried, Errors.portable(error)));
    }

    /** The reducer threw: the job fails as a whole, not the task. */
    private static final class ReducerFailed extends RuntimeException {
        ReducerFailed(RuntimeException cause) {
            super(cause);
        }
    }
}
