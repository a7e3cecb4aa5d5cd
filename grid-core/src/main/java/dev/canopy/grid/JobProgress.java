package dev.canopy.grid;

import java.io.Serializable;

/**
 * A snapshot of a job's progress, counted per leaf: {@code done} grows when a leaf commits.
 *
 * @param total   tasks in the job
 * @param done    tasks whose result is committed (including tolerated failures)
 * @param failed  tasks that failed for good (all attempts used)
 * @param retried task attempts that were re-run after a failure or a member loss
 * @param running tasks in leaves seen running: members mark their running leaves once a second, so a
 *                leaf shorter than that may go straight to done
 * @param depth   levels in the job's tree, the root counting as one
 * @param leaves  leaves in the tree so far
 */
public record JobProgress(long total, long done, long failed, long retried, long running, int depth, int leaves)
        implements Serializable {

    public static JobProgress empty(long total) {
        return new JobProgress(total, 0, 0, 0, 0, 0, 0);
    }

    /** Fraction done, from 0 to 1; 1 for an empty job. */
    public double fraction() {
        return total == 0 ? 1.0 : (double) done / total;
    }
}
