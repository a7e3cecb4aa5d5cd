package dev.canopy.grid.spi;

import java.util.UUID;

/**
 * One sub-job of a job's tree as {@link JobTrees#read} found it: a snapshot, already stale when it
 * arrives, for showing the tree, not for deciding anything.
 *
 * @param path       {@code "0"} for the root; a child appends {@code ".i"}; a retry of a failed task
 *                   appends {@code ".rN"}
 * @param parentPath null for the root
 * @param depth      levels from the root, which is level 1
 * @param leaf       true when its member runs the tasks; false when it splits them among children
 * @param state      where the sub-job is
 * @param assignee   the member running the leaf or driving the sub-job
 * @param attempt    bumped each time the sub-job is given to another member
 * @param tasks      tasks in its slice (an estimate for a slice of map partitions)
 * @param done       for a DONE leaf, tasks that succeeded; 0 otherwise
 * @param children   for a driver, children it created so far
 * @param reruns     times it started over because its member left
 */
public record SubJobView(String path, String parentPath, int depth, boolean leaf, State state, UUID assignee,
                         int attempt, long tasks, long done, int children, int reruns) {

    /** {@code ASSIGNED -> RUNNING -> DONE}; giving the sub-job to another member returns it to ASSIGNED. */
    public enum State {
        ASSIGNED, RUNNING, DONE
    }
}
