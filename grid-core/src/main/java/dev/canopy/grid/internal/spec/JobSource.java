package dev.canopy.grid.internal.spec;

import dev.canopy.grid.EntryTask;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.LongIndexTask;
import dev.canopy.grid.Task;
import dev.canopy.grid.internal.spec.Slice.IndexSlice;
import dev.canopy.grid.internal.spec.Slice.KeySlice;
import dev.canopy.grid.internal.spec.Slice.PartitionSlice;

import java.io.Serializable;
import java.util.List;

/**
 * Where a job's tasks come from. Each kind knows its first slice (what the root splits), the slice
 * of a single task (what a retry runs) and its size; the leaf loop runs each kind its own way.
 */
public sealed interface JobSource<T> extends Serializable {

    /** Tasks in the job when known before it starts; -1 for a job over a whole map. */
    long knownSize();

    /** The whole job as one slice, for its root; {@code partitionCount} and {@code total} serve a job over a map. */
    Slice initialSlice(int partitionCount, long total);

    /** The slice that runs the single task {@code task} (an index or a key, as a hole names it). */
    Slice sliceOf(Object task);

    /** Tasks numbered by index in {@code [from(), to())}: a range, or the positions of a task list. */
    sealed interface IndexSource<T> extends JobSource<T> {
        long from();

        long to();

        @Override
        default long knownSize() {
            return to() - from();
        }

        @Override
        default Slice initialSlice(int partitionCount, long total) {
            return new IndexSlice(from(), to());
        }

        @Override
        default Slice sliceOf(Object task) {
            return IndexSlice.single((Long) task);
        }
    }

    /** One task per index in {@code [from, to)}. */
    record IndexRange<T>(long from, long to, IndexTask<T> task) implements IndexSource<T> {
    }

    /** One task per index in {@code [from, to)}, each returning an unboxed {@code long}. */
    record LongRange(long from, long to, LongIndexTask task) implements IndexSource<Long> {
    }

    /** The given tasks; a task's index is its position in the list. */
    record TaskList<T>(List<Task<T>> tasks) implements IndexSource<T> {
        @Override
        public long from() {
            return 0;
        }

        @Override
        public long to() {
            return tasks.size();
        }
    }

    /** A task that reads an entry of a map: one per given key, or one per entry of the whole map. */
    sealed interface EntrySource<T> extends JobSource<T> {
        String mapName();

        EntryTask<Object, Object, T> task();

        @Override
        default Slice sliceOf(Object task) {
            return new KeySlice(List.of(task));
        }
    }

    /** One task per key of {@code mapName}, on the member that owns the key. */
    record KeyedEntries<T>(String mapName, List<Object> keys, EntryTask<Object, Object, T> task)
            implements EntrySource<T> {
        @Override
        public long knownSize() {
            return keys.size();
        }

        @Override
        public Slice initialSlice(int partitionCount, long total) {
            return new KeySlice(keys);
        }
    }

    /** One task per entry of {@code mapName}, each partition's entries on that partition's owner. */
    record MapEntries<T>(String mapName, EntryTask<Object, Object, T> task) implements EntrySource<T> {
        @Override
        public long knownSize() {
            return -1;
        }

        @Override
        public Slice initialSlice(int partitionCount, long total) {
            int[] all = new int[partitionCount];
            for (int i = 0; i < partitionCount; i++) {
                all[i] = i;
            }
            return new PartitionSlice(all, total);
        }
    }
}
