package dev.canopy.grid.internal.access;

import dev.canopy.grid.internal.store.GraphRecord;

import java.util.concurrent.Callable;

/**
 * To the owner of a new graph's partition: write the graph's record and drive it. A call, like
 * {@link SubmitJob}: the submitter waits for the record before it returns the handle.
 */
final class SubmitGraph extends ToMemberEngine implements Callable<Boolean> {

    private final GraphRecord record;
    private final byte[] spec;

    SubmitGraph(GraphRecord record, byte[] spec) {
        this.record = record;
        this.spec = spec;
    }

    @Override
    public Boolean call() {
        MemberEngine engine = engine();
        if (engine == null) {
            throw new IllegalStateException("member " + member() + " owns graph " + record.id()
                    + " but runs no Canopy engine: every member needs a GridNode");
        }
        engine.acceptGraph(record, spec);
        return true;
    }

    @Override
    public String toString() {
        return "SubmitGraph[" + record.id() + "]";
    }
}
