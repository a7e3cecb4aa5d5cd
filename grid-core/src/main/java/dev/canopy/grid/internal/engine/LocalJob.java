package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.spec.JobSpec;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one member knows of one job while it takes part: the spec (fetched once), whether the job
 * was cancelled, and the sub-jobs this member drives. Dropped when the job's result appears.
 */
final class LocalJob {

    final String jobId;
    final JobSpec<Object, Object> spec;
    /** The spec as the job record holds it: sent along with sub-jobs, so their members need not read it. */
    final byte[] specBytes;
    /** Members this member sent the spec to already: later sub-jobs for them go without it. */
    private final Set<UUID> specSentTo = ConcurrentHashMap.newKeySet();
    /** Completes when the job's own records are durable; nothing is dispatched before. */
    final CompletableFuture<Void> recorded;
    final long createdMillis = System.currentTimeMillis();
    final Map<String, DriverRun> drivers = new ConcurrentHashMap<>();
    /**
     * Leaves that have no record: the only child of a root, placed on the root's own member. Their
     * outcome goes straight to the root, whose result write is the commit; were this member to
     * die first, the job's next top driver plans the root again from the job record.
     */
    final Set<String> unrecordedLeaves = ConcurrentHashMap.newKeySet();
    /** False while the job's tree has no record at all (its root ran its one leaf unrecorded, no retry). */
    volatile boolean treeRecorded = true;
    private volatile boolean cancelled;

    LocalJob(String jobId, JobSpec<Object, Object> spec, byte[] specBytes, CompletableFuture<Void> recorded) {
        this.jobId = jobId;
        this.spec = spec;
        this.specBytes = specBytes;
        this.recorded = recorded;
    }

    /** A job whose records exist: read back from them, or learnt from a sub-job sent here. */
    LocalJob(String jobId, JobSpec<Object, Object> spec, byte[] specBytes) {
        this(jobId, spec, specBytes, CompletableFuture.completedFuture(null));
    }

    /**
     * The spec to send along with a sub-job for {@code member}: the first time only, and only when
     * small; a member without it reads it from the job record once.
     */
    byte[] specFor(UUID member) {
        return specBytes != null && specBytes.length <= SPEC_SENT_AT_MOST && specSentTo.add(member) ? specBytes : null;
    }

    private static final int SPEC_SENT_AT_MOST = 64 * 1024;

    boolean isCancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }
}
