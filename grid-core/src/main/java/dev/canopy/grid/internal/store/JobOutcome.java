package dev.canopy.grid.internal.store;

import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.io.Serializable;
import java.util.List;

/**
 * A job's end in {@code canopy.results}: written once with {@code putIfAbsent}, so the first of a
 * completion, a failure or a cancellation wins and the others see it. Made only through the
 * factories, so a FAILED outcome always carries a {@link JobFailedException}.
 *
 * @param error    for FAILED the JobFailedException; for CANCELLED the cause (e.g. a TimeoutException) or null
 * @param failures tolerated task failures of a COMPLETED job; the failures so far of a FAILED one
 */
public record JobOutcome(JobState state, Object result, Throwable error, List<TaskFailure> failures)
        implements Serializable {

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
}
