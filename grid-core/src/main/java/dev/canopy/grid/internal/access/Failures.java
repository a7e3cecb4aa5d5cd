package dev.canopy.grid.internal.access;

import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.store.JobOutcome;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The one place where a failure becomes what a user sees. A job's result future completes
 * exceptionally with a {@link JobFailedException} (naming the failing task, or {@code "reducer"},
 * or {@code "job"} when the job failed as a whole) that carries the true cause, or with a
 * {@link CancellationException}; never with anything else. The engine builds every failure it
 * writes to a job's result here, and every handle completes its future through {@link #toUser}.
 */
public final class Failures {

    /** What {@link JobFailedException#task()} says when no single task failed. */
    public static final String WHOLE_JOB = "job";

    private Failures() {
    }

    /** A task used up its attempts. */
    public static JobFailedException taskFailed(String jobId, String name, TaskFailure failure, Throwable cause) {
        return new JobFailedException(prefix(jobId, name) + "task " + failure.task() + " failed after "
                + failure.attempts() + " attempt(s): " + failure.error(), failure.task(), failure.attempts(), cause);
    }

    /** The job's reducer threw, on a leaf or a driver. */
    public static JobFailedException reducerFailed(String jobId, String name, Throwable cause) {
        Throwable portable = Errors.portable(cause);
        return new JobFailedException(prefix(jobId, name) + "its reducer threw " + Errors.describe(portable),
                "reducer", 0, portable);
    }

    /** The job completed, but its result is of a class this client or node cannot load. */
    public static JobFailedException resultUnreadable(String jobId, String className) {
        return jobFailed(jobId, null, "it completed, but its result needs class " + className + ", which cannot be"
                + " loaded here: fetch it where the job's classes are (its submitter has them), or have the job"
                + " return JDK types", null);
    }

    /** The job as a whole failed: {@code why} completes "job X ('name') failed: ...". */
    public static JobFailedException jobFailed(String jobId, String name, String why, Throwable cause) {
        Throwable portable = cause == null ? null : Errors.portable(cause);
        String causeText = portable == null ? "" : ": " + Errors.describe(portable);
        return new JobFailedException(prefix(jobId, name) + why + causeText, WHOLE_JOB, 0, portable);
    }

    /**
     * A graph failed because stage {@code stage} did: {@code why} completes "graph X ('name') failed:
     * stage 'S' ...", and the task the exception names is "stage S".
     */
    public static JobFailedException graphFailed(String graphId, String name, String stage, String why,
                                                 Throwable cause) {
        Throwable portable = cause == null ? null : Errors.portable(cause);
        // a stage job's failure says what it is already: "job X ('name') failed: ..."
        String causeText = portable == null ? "" : ": " + (portable instanceof JobFailedException
                ? portable.getMessage() : Errors.describe(portable));
        return new JobFailedException("graph " + graphId + (name == null ? "" : " ('" + name + "')") + " failed: stage '"
                + stage + "' " + why + causeText, "stage " + stage, 0, portable);
    }

    /**
     * The job's records and result are gone from the grid while members remain: more than
     * {@code backupCount} of them left at once.
     */
    public static JobFailedException lost(String jobId) {
        return jobFailed(jobId, null, "its records were on members that left together before their backups were in"
                + " sync (more than backupCount at once); submit it again", new RetriableGridException(
                "job " + jobId + " was lost", null));
    }

    /**
     * The job's records and result are gone, and so is every member that was in the cluster when it
     * was awaited: the whole cluster stopped, and the one there now was started anew.
     */
    public static JobFailedException lostWithCluster(String jobId) {
        return wholeClusterGone(jobId, "the whole cluster stopped or restarted while the job was running (none of the"
                + " members there when it was submitted is left, and those there now do not know the job); records and"
                + " results are kept in the members' memory only, so the job is gone: submit it again");
    }

    /**
     * A client lost every member and gave up reconnecting: the whole cluster stopped, or it cannot be
     * reached from the client.
     */
    public static JobFailedException clusterLost(String jobId, String clusterName, Duration connectTimeout) {
        return wholeClusterGone(jobId, "the whole cluster stopped or restarted while the job was running, or became"
                + " unreachable (this client lost every member of cluster '" + clusterName + "' and none answered"
                + " within connectTimeout, " + connectTimeout.toMillis() + " ms, so the client shut down); records and"
                + " results are kept in the members' memory only, so a cluster that stopped has lost the job: submit"
                + " it again");
    }

    /** The message says it all: the cause (retriable: submit again) is not repeated in it. */
    private static JobFailedException wholeClusterGone(String jobId, String why) {
        return new JobFailedException(prefix(jobId, null) + why, WHOLE_JOB, 0,
                new RetriableGridException("job " + jobId + " was lost with its cluster", null));
    }

    /**
     * What a future waiting for {@code outcome} completes with, for an outcome that is not a
     * completion: the job's {@link JobFailedException} as it is, or a {@link CancellationException}
     * whose cause says why (a timeout), if anything did.
     */
    public static Throwable toUser(String jobId, JobOutcome outcome) {
        Throwable error = outcome.error();
        return switch (outcome.state()) {
            case FAILED -> error instanceof JobFailedException ? error
                    : jobFailed(jobId, null, "it ended with an error", error);
            default -> {
                CancellationException cancelled = new CancellationException(error == null
                        ? "job " + jobId + " was cancelled" : "job " + jobId + " was cancelled: " + error.getMessage());
                cancelled.initCause(error);
                yield cancelled;
            }
        };
    }

    private static String prefix(String jobId, String name) {
        return "job " + jobId + (name == null ? "" : " ('" + name + "')") + " failed: ";
    }
}
