package dev.canopy.grid.internal.store;

import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.io.Serializable;
import java.util.List;

/**
 * A job's end in {@code canopy.results}: written once with {@code putIfAbsent}, so the first of a
 * completion, a failure or a cancellation wins and the others see it.
 *
 * @param error    for FAILED the JobFailedException; for CANCELLED the cause (e.g. a TimeoutException) or null
 * @param failures tolerated task failures of a COMPLETED job
 */
public record JobOutcome(JobState state, Object result, Throwable error, List<TaskFailure> failures)
        implements Serializable {
}
