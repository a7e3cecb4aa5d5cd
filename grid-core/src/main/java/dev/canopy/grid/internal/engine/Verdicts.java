package dev.canopy.grid.internal.engine;

import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.access.Failures;
import dev.canopy.grid.internal.access.JobEnds;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Piece;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * How a job's run on this member ends it: completed with its root's combined outcome, or failed
 * with the {@link JobFailedException} that {@link Failures} makes of the true cause. Every path of
 * the engine that gives up on a job comes here, so none of them can leave it waiting.
 *
 * <p>What it writes: the job's result (through {@link JobEnds}, first writer wins), and the count
 * of tasks that failed for good in the job record. Threads: driver-pool, worker and timer threads.
 */
final class Verdicts {

    private static final Logger LOG = LoggerFactory.getLogger(Verdicts.class);

    private final JobEnds ends;
    private final GridMaps maps;
    private final ResultLimit limit;

    Verdicts(JobEnds ends, GridMaps maps, ResultLimit limit) {
        this.ends = ends;
        this.maps = maps;
        this.limit = limit;
    }

    /** The root combined its children: the job completes, unless more tasks failed for good than it tolerates. */
    void complete(LocalJob job, List<Piece> rootOutcome) {
        Object result = null;
        List<TaskFailure> failures = new ArrayList<>();
        Piece.Failed first = null;
        for (Piece piece : rootOutcome) {
            if (piece instanceof Piece.Partial p) {
                result = p.value();
            } else if (piece instanceof Piece.Failed f) {
                failures.add(f.failure());
                first = first == null ? f : first;
            }
        }
        long size;
        result = job.toGrid(result);
        if (first != null && failures.size() > job.spec.settings().tolerateFailures()) {
            ends.end(job.jobId, JobOutcome.failed(taskFailed(job, first), failures), true);
        } else if ((size = limit.sizeIfOver(result)) >= 0) {
            tooLarge(job, "its result (key " + job.jobId + " of map canopy.results)", size);
        } else {
            ends.end(job.jobId, JobOutcome.completed(result, failures), job.treeRecorded);
        }
    }

    /** Counts tasks that failed for good; fails the job as soon as they exceed its tolerance. */
    void recordFailures(LocalJob job, List<Piece.Failed> failed) {
        List<TaskFailure> list = new ArrayList<>(failed.size());
        for (Piece.Failed f : failed) {
            list.add(f.failure());
        }
        int count = maps.jobs.executeOnKey(job.jobId, new Processors.AddFailures(list, list.size()));
        if (count > job.spec.settings().tolerateFailures()) {
            ends.end(job.jobId, JobOutcome.failed(taskFailed(job, failed.get(0)), list), true);
        }
    }

    /** The job ran longer than its timeout: it is cancelled, with a {@link TimeoutException} as the cause. */
    void timedOut(JobRecord record) {
        TimeoutException cause = new TimeoutException("job " + record.id() + " ('" + record.name()
                + "') ran longer than its timeout of " + record.timeoutMillis() + " ms");
        ends.terminate(record.id(), JobOutcome.cancelled(cause));
    }

    /**
     * A leaf was running on a member that left, on the last of its tasks' attempts: the job fails
     * naming the task it ran (as its member wrote on its way out) and saying that its member died.
     */
    void memberLeftWhileRunning(LocalJob job, SubJobRecord leaf) {
        String task = leaf.leftRunning() != null ? leaf.leftRunning() : "one of the tasks of leaf " + leaf.path();
        TaskFailure failure = new TaskFailure(task, leaf.taskAttempts(), "its member " + leaf.assignee()
                + " left (it died or was stopped) while running it, on each of its " + leaf.taskAttempts()
                + " attempt(s) (maxAttempts " + job.spec.settings().maxAttempts() + "); a task that ends its JVM"
                + " (System.exit, a crash) or exhausts its memory costs every member it runs on");
        fail(job.jobId, Failures.taskFailed(job.jobId, job.spec.name(), failure, null));
    }

    /** A partial or the result was over {@code maxResultBytes}: the job fails giving its size and where it was going. */
    void tooLarge(LocalJob job, String what, long size) {
        fail(job.jobId, Failures.jobFailed(job.jobId, job.spec.name(), what + " is " + size + " bytes serialized,"
                + " over maxResultBytes (" + limit.maxBytes() + "); return less per task or reduce to something smaller,"
                + " or raise maxResultBytes on every node", null));
    }

    void reducerFailed(LocalJob job, Throwable error) {
        fail(job.jobId, Failures.reducerFailed(job.jobId, job.spec.name(), error));
    }

    /** Fails the job as a whole: {@code why} completes "job X ('name') failed: ...". */
    void jobFailed(String jobId, String name, String why, Throwable cause) {
        fail(jobId, Failures.jobFailed(jobId, name, why, cause));
    }

    private void fail(String jobId, JobFailedException error) {
        try {
            ends.end(jobId, JobOutcome.failed(error), true);
        } catch (RuntimeException e) {
            // the job's records are unreachable too: its handles learn of it when they find it lost
            LOG.warn("Could not write the failure of job {} ({}); its handles learn of it when its records are"
                    + " found lost", jobId, error.getMessage(), e);
        }
    }

    private static JobFailedException taskFailed(LocalJob job, Piece.Failed f) {
        return Failures.taskFailed(job.jobId, job.spec.name(), f.failure(), f.error());
    }
}
