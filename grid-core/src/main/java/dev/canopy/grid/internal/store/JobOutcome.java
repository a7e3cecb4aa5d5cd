package dev.canopy.grid.internal.store;

import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.trust.ClusterKey;

import java.io.Serializable;
import java.util.List;

/**
 * A job's end in {@code canopy.results}: written once with {@code putIfAbsent}, so the first of a
 * completion, a failure or a cancellation wins and the others see it. Made only through the
 * factories, so a FAILED outcome always carries a {@link JobFailedException}.
 *
 * <p>With a cluster key the writer {@linkplain #sealed seals} it for its job id, and handles and
 * engines act only on an outcome that {@linkplain #verifies verifies}: anyone who can write the map
 * could otherwise hand a victim's handle any result, or stop a job's work by writing its end. The
 * seal covers what a reader acts on ({@link Canonical}).
 *
 * @param error    for FAILED the JobFailedException; for CANCELLED the cause (e.g. a TimeoutException) or null
 * @param failures tolerated task failures of a COMPLETED job; the failures so far of a FAILED one
 * @param seal     the HMAC of the job id and {@link #canonical}, as text (so the record's equality holds), or
 *                 null without a key
 */
public record JobOutcome(JobState state, Object result, Throwable error, List<TaskFailure> failures, String seal)
        implements Serializable {

    public JobOutcome(JobState state, Object result, Throwable error, List<TaskFailure> failures) {
        this(state, result, error, failures, null);
    }

    public static JobOutcome completed(Object result, List<TaskFailure> tolerated) {
        return new JobOutcome(JobState.COMPLETED, result, null, tolerated);
    }

    public static JobOutcome failed(JobFailedException error, List<TaskFailure> failures) {
        return new JobOutcome(JobState.FAILED, null, error, failures);
    }

    public static JobOutcome failed(JobFailedException error) {
        return failed(error, List.of());
    }

    /** {@code cause}: why, when not a user's cancel (a timeout), or null. */
    public static JobOutcome cancelled(Throwable cause) {
        return new JobOutcome(JobState.CANCELLED, null, cause, List.of());
    }

    /** This outcome sealed for job {@code jobId}; itself without a key. */
    public JobOutcome sealed(ClusterKey key, String jobId) {
        if (!key.isSet()) {
            return this;
        }
        return new JobOutcome(state, result, error, failures, Seals.text(key.sign(ClusterKey.Use.RESULT, jobId,
                canonical())));
    }

    /** Whether a reader with {@code key} may act on this as job {@code jobId}'s end: always without a key. */
    public boolean verifies(ClusterKey key, String jobId) {
        return !key.isSet() || key.verifies(Seals.bytes(seal), ClusterKey.Use.RESULT, jobId, canonical());
    }

    /** What the seal covers: see {@link Canonical}. */
    byte[] canonical() {
        return new Canonical().number(state.ordinal()).value(result).error(error).failures(failures).bytes();
    }
}
