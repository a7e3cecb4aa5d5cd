package dev.canopy.grid.internal.spec;

import dev.canopy.grid.EntryTask;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.Task;

import java.io.Serializable;
import java.util.List;

/**
 * A built job as the engine sees it: where its tasks come from, its reducer, its settings.
 * Immutable; shipped once per member (cached in {@link LocalJob}), never per task.
 */
public final class JobSpec<T, R> implements Serializable {

    /** Where the tasks come from. */
    public enum Kind { RANGE, LIST, KEYED, MAP }

    /** The job's settings, checked by the builder. {@code leafSize} 0 means adaptive; {@code timeoutMillis} 0 none. */
    public record Settings(String name, int fanOut, int leafSize, int maxAttempts, long timeoutMillis,
                           int priority, int tolerateFailures) implements Serializable {
    }

    private final Kind kind;
    private final long from;
    private final long to;
    private final IndexTask<T> indexTask;
    private final List<Task<T>> tasks;
    private final String mapName;
    private final List<Object> keys;
    private final EntryTask<Object, Object, T> entryTask;
    private final Reducer<T, R> reducer;
    private final Settings settings;

    private JobSpec(Kind kind, long from, long to, IndexTask<T> indexTask, List<Task<T>> tasks, String mapName,
                    List<Object> keys, EntryTask<Object, Object, T> entryTask, Reducer<T, R> reducer,
                    Settings settings) {
        this.kind = kind;
        this.from = from;
        this.to = to;
        this.indexTask = indexTask;
        this.tasks = tasks;
        this.mapName = mapName;
        this.keys = keys;
        this.entryTask = entryTask;
        this.reducer = reducer;
        this.settings = settings;
    }

    public static <T, R> JobSpec<T, R> range(long from, long to, IndexTask<T> task, Reducer<T, R> reducer, Settings s) {
        return new JobSpec<>(Kind.RANGE, from, to, task, null, null, null, null, reducer, s);
    }

    public static <T, R> JobSpec<T, R> list(List<Task<T>> tasks, Reducer<T, R> reducer, Settings s) {
        return new JobSpec<>(Kind.LIST, 0, tasks.size(), null, tasks, null, null, null, reducer, s);
    }

    public static <T, R> JobSpec<T, R> keyed(String mapName, List<Object> keys, EntryTask<Object, Object, T> task,
                                             Reducer<T, R> reducer, Settings s) {
        return new JobSpec<>(Kind.KEYED, 0, keys.size(), null, null, mapName, keys, task, reducer, s);
    }

    public static <T, R> JobSpec<T, R> overMap(String mapName, EntryTask<Object, Object, T> task,
                                               Reducer<T, R> reducer, Settings s) {
        return new JobSpec<>(Kind.MAP, 0, 0, null, null, mapName, null, task, reducer, s);
    }

    public Kind kind() {
        return kind;
    }

    public long from() {
        return from;
    }

    public long to() {
        return to;
    }

    public IndexTask<T> indexTask() {
        return indexTask;
    }

    public List<Task<T>> tasks() {
        return tasks;
    }

    public String mapName() {
        return mapName;
    }

    public List<Object> keys() {
        return keys;
    }

    public EntryTask<Object, Object, T> entryTask() {
        return entryTask;
    }

    public Reducer<T, R> reducer() {
        return reducer;
    }

    public Settings settings() {
        return settings;
    }

    public String name() {
        return settings.name();
    }

    public int fanOut() {
        return settings.fanOut();
    }

    public int leafSize() {
        return settings.leafSize();
    }

    public int maxAttempts() {
        return settings.maxAttempts();
    }

    public long timeoutMillis() {
        return settings.timeoutMillis();
    }

    public int priority() {
        return settings.priority();
    }

    public int tolerateFailures() {
        return settings.tolerateFailures();
    }

    /** Tasks in the job when known before it starts; -1 for a job over a whole map. */
    public long knownSize() {
        return kind == Kind.MAP ? -1 : to - from;
    }

    @Override
    public String toString() {
        return kind + " '" + settings.name() + "'" + (kind == Kind.MAP ? " over " + mapName : " of " + knownSize() + " tasks");
    }
}
