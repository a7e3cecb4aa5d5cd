package dev.canopy.grid.internal.store;

import dev.canopy.grid.JobProgress;

/**
 * A job's progress from its record and the sums of its tree's records ({@link ProgressAggregator}):
 * the arithmetic shared by listings, handles and {@link Processors.Finish}, which stores the
 * final progress in the record when the job ends.
 */
public final class Progress {

    private Progress() {
    }

    /** The progress the tree's records show now. */
    public static JobProgress of(JobRecord r, ProgressAggregator.Sums sums) {
        long total = r.total() >= 0 ? r.total() : sums.leafTasks();
        return new JobProgress(total, sums.done() + r.failureCount(), r.failureCount(), sums.retried(),
                sums.running(), sums.depth(), sums.leaves());
    }

    /**
     * A job's progress once it ended, from its record and the sums of its tree ({@code null} when
     * the tree had no record: the job ran as its root's single leaf).
     */
    public static JobProgress finalProgress(JobRecord r, ProgressAggregator.Sums sums, boolean completed) {
        JobProgress live = sums != null ? of(r, sums)
                : new JobProgress(r.total(), r.failureCount(), r.failureCount(), 0, 0, 1, 1);
        return completed ? completed(live) : stopped(live);
    }

    /**
     * The progress of a completed job: every task is done (or failed for good). Leaves report before
     * their commits land, so the records alone may still lag behind the result for a moment.
     */
    public static JobProgress completed(JobProgress live) {
        return new JobProgress(live.total(), live.total(), live.failed(), live.retried(), 0, live.depth(), live.leaves());
    }

    /** A cancelled or failed job's final progress: nothing runs any more. */
    public static JobProgress stopped(JobProgress live) {
        return new JobProgress(live.total(), live.done(), live.failed(), live.retried(), 0, live.depth(), live.leaves());
    }
}
