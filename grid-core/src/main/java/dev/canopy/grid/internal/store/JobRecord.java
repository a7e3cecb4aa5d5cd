package dev.canopy.grid.internal.store;

import dev.canopy.grid.internal.spec.JobSpec;

import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

/**
 * A job's entry in {@code canopy.jobs}. The top driver is whoever {@code topDriver} names; a member
 * that owns the record's partition and finds that member gone takes the role over.
 *
 * @param total     tasks in the job, -1 until known (a job over a map)
 * @param failures  tasks that failed for good so far, the first {@value Processors#MAX_RECORDED_FAILURES}
 * @param failureCount all tasks that failed for good so far
 * @param progress  the final progress, once the job ended
 * @param spec      the job's spec as Java-serialized bytes while it runs, null once it ended; kept in
 *                  the record, not beside it, so accepting a job is one durable write (listings read
 *                  records {@link #withoutSpec() without it})
 */
public record JobRecord(String id, String name, JobState state, UUID submitter, UUID topDriver,
                        long submittedMillis, long startedMillis, long finishedMillis, long total,
                        int priority, long timeoutMillis, int tolerateFailures, List<TaskFailure> failures,
                        long failureCount, JobProgress progress, byte[] spec) implements Serializable {

    public static JobRecord submitted(String id, JobSpec<?, ?> spec, UUID submitter, long now) {
        return new JobRecord(id, spec.name(), JobState.SUBMITTED, submitter, null, now, 0, 0, spec.knownSize(),
                spec.settings().priority(), spec.settings().timeoutMillis(), spec.settings().tolerateFailures(), List.of(), 0, null, null);
    }

    public JobRecord started(UUID driver, long total, long now) {
        return new JobRecord(id, name, JobState.RUNNING, submitter, driver, submittedMillis,
                startedMillis == 0 ? now : startedMillis, 0, total, priority, timeoutMillis, tolerateFailures,
                failures, failureCount, null, spec);
    }

    public JobRecord withSpec(byte[] specBytes) {
        return new JobRecord(id, name, state, submitter, topDriver, submittedMillis, startedMillis, finishedMillis,
                total, priority, timeoutMillis, tolerateFailures, failures, failureCount, progress, specBytes);
    }

    /** The record as listings and handles show it: everything but the spec's bytes. */
    public JobRecord withoutSpec() {
        return spec == null ? this : withSpec(null);
    }

    JobRecord withFailures(List<TaskFailure> newFailures, long newCount) {
        return new JobRecord(id, name, state, submitter, topDriver, submittedMillis, startedMillis, finishedMillis,
                total, priority, timeoutMillis, tolerateFailures, newFailures, newCount, progress, spec);
    }

    JobRecord finished(JobState end, List<TaskFailure> finalFailures, JobProgress finalProgress, long now) {
        return new JobRecord(id, name, end, submitter, topDriver, submittedMillis, startedMillis, now, total,
                priority, timeoutMillis, tolerateFailures, finalFailures, failureCount, finalProgress, null);
    }
}
