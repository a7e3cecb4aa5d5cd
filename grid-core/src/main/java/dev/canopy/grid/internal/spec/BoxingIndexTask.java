package dev.canopy.grid.internal.spec;

import dev.canopy.grid.IndexTask;
import dev.canopy.grid.LongIndexTask;
import dev.canopy.grid.TaskContext;

/**
 * A {@link LongIndexTask} seen as an {@code IndexTask<Long>}, for every path that handles values as
 * objects; the leaf loop recognises it and calls {@link #task} unboxed when the reducer allows.
 */
public record BoxingIndexTask(LongIndexTask task) implements IndexTask<Long> {
    @Override
    public Long run(long index, TaskContext ctx) throws Exception {
        return task.run(index, ctx);
    }
}
