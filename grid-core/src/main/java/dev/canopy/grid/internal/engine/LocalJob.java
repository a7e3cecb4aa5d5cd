package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.code.CodeSet;
import dev.canopy.grid.internal.code.JobLoaders;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.spec.RemoteTaskException;
import dev.canopy.grid.internal.store.UserValue;

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
    /** The lease on the loader of the code the job ships; null when it ships none. */
    private final JobLoaders.Lease code;
    /** The code the job ships; null when it ships none. */
    final CodeSet codeSet;
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
    /**
     * The leaves queued or running here, as {@code path@attempt}: a sub-job delegated twice (a driver
     * that adopts children cannot tell a lost delegation from one on its way, and sends again) is
     * run once. See {@link Tree#accept}.
     */
    final Set<String> heldLeaves = ConcurrentHashMap.newKeySet();
    /** False while the job's tree has no record at all (its root ran its one leaf unrecorded, no retry). */
    volatile boolean treeRecorded = true;
    private volatile boolean cancelled;

    LocalJob(String jobId, LocalJobs.Decoded decoded, byte[] specBytes, CompletableFuture<Void> recorded) {
        this.jobId = jobId;
        this.spec = decoded.spec();
        this.code = decoded.lease();
        this.codeSet = decoded.code();
        this.specBytes = specBytes;
        this.recorded = recorded;
    }

    /** A job whose records exist: read back from them, or learnt from a sub-job sent here. */
    LocalJob(String jobId, LocalJobs.Decoded decoded, byte[] specBytes) {
        this(jobId, decoded, specBytes, CompletableFuture.completedFuture(null));
    }

    /**
     * The loader of the code the job ships, or null when its classes are the node's: it ships none,
     * or this node has all of it on its own class path.
     */
    ClassLoader loader() {
        return code == null || !code.ownLoader() ? null : code.loader();
    }

    /**
     * {@code value} as it may enter the grid: as bytes ({@link UserValue}) that Canopy decodes itself,
     * with the job's loader and within its bounds ({@link Codec#deserialize}), unless it is a boxed
     * primitive or a string, which every member reads. So a value of the job's own classes needs no
     * member to have them, and none needs Hazelcast to Java-deserialize a user's class (which its
     * serialization filter would refuse).
     */
    Object toGrid(Object value) {
        if (UserValue.isScalar(value) || value instanceof String) {
            return value;
        }
        return new UserValue(Codec.serialize(value, "a partial result of job '" + spec.name() + "'"));
    }

    /**
     * A value read from the grid, as the job's code sees it.
     *
     * @throws Codec.Refused when the value is past Canopy's decoding bounds
     */
    Object fromGrid(Object value) {
        return value instanceof UserValue u ? Codec.deserialize(u.bytes(), valueLoader()) : value;
    }

    /** The loader of the job's values: its shipped code's, else the one that loaded its task ({@link JobSpec#loader}). */
    private ClassLoader valueLoader() {
        return code != null ? code.loader() : spec.loader();
    }

    /**
     * A task's error as it may enter the grid ({@link Errors#portable}): one whose class (or a
     * cause's) is the job's own is sent whole as {@link RemoteTaskException}s keeping class names,
     * messages and stacks, as members without the job's classes could not read it, whatever its name.
     */
    Throwable portableError(Throwable error) {
        ClassLoader loader = loader();
        if (loader != null) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t.getClass().getClassLoader() == loader) {
                    return Errors.remote(error);
                }
            }
        }
        return Errors.portable(error);
    }

    /** The job ended here: its code's loader may close once no other job uses it. */
    void releaseCode() {
        if (code != null) {
            code.close();
        }
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
