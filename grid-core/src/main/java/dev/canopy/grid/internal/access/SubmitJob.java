package dev.canopy.grid.internal.access;

import dev.canopy.grid.internal.store.JobRecord;

import java.util.concurrent.Callable;

/**
 * To the owner of a new job's partition: write the job's records and drive it. A call, not a
 * message: the submitter waits for the records to be written before it returns the handle.
 * Runs on a {@code canopy.control} executor thread of the owner.
 */
final class SubmitJob extends ToMemberEngine implements Callable<Boolean> {

    private final JobRecord record;
    private final byte[] spec;

    SubmitJob(JobRecord record, byte[] spec) {
        this.record = record;
        this.spec = spec;
    }

    @Override
    public Boolean call() {
        MemberEngine engine = engine();
        if (engine == null) {
            throw new IllegalStateException("member " + member()
                    + " owns job " + record.id() + " but runs no Canopy engine: every member needs a GridNode");
        }
        engine.acceptJob(record, spec);
        return true;
    }

    @Override
    public String toString() {
        return "SubmitJob[" + record.id() + "]";
    }
}
