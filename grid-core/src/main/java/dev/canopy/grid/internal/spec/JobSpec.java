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
