package dev.canopy.grid.internal.spec;

import dev.canopy.grid.Reducer;

import java.io.Serializable;

/**
 * A built job as the engine sees it: where its tasks come from, its reducer, its settings.
 * Immutable; shipped once per member (cached where the member keeps the job), never per task.
 */
public record JobSpec<T, R>(JobSource<T> source, Reducer<T, R> reducer, Settings settings) implements Serializable {

    /** The job's settings, checked by the builder. {@code leafSize} 0 means adaptive; {@code timeoutMillis} 0 none. */
    public record Settings(String name, int fanOut, int leafSize, int maxAttempts, long timeoutMillis,
                           int priority, int tolerateFailures) implements Serializable {
    }

    public String name() {
        return settings.name();
    }

    /**
     * The loader of the job's own classes: its task's, else its reducer's, else this thread's
     * context loader. A job's values (results, partials) of its own classes are read with it.
     */
    public ClassLoader loader() {
        Object task = reducer;
        if (source instanceof JobSource.IndexRange<?> r) {
            task = r.task();
        } else if (source instanceof JobSource.LongRange r) {
            task = r.task();
        } else if (source instanceof JobSource.TaskList<?> l && !l.tasks().isEmpty()) {
            task = l.tasks().get(0);
        } else if (source instanceof JobSource.EntrySource<?> e) {
            task = e.task();
        }
        ClassLoader loader = task.getClass().getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        return loader != null ? loader : JobSpec.class.getClassLoader();
    }

    /** Tasks in the job when known before it starts; -1 for a job over a whole map. */
    public long knownSize() {
        return source.knownSize();
    }

    @Override
    public String toString() {
        String size = source instanceof JobSource.EntrySource<?> e && knownSize() < 0
                ? " over " + e.mapName() : " of " + knownSize() + " tasks";
        return source.getClass().getSimpleName() + " '" + settings.name() + "'" + size;
    }
}
