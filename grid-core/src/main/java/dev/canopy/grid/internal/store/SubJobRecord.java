package dev.canopy.grid.internal.store;

import dev.canopy.grid.internal.spec.Slice;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One node of a job's tree in {@code canopy.subjobs}: what to run, who runs it, which attempt is
 * current, and, once DONE, the committed outcome. Immutable: every change is a new record written by
 * an entry processor that checks the attempt, so a stale member can never overwrite a newer one.
 *
 * @param parentPath   null for the root
 * @param leaf         true when the assignee runs the slice on its worker pool; false when it drives children
 * @param group        the members this sub-tree may use; the assignee is one of them
 * @param assignee     the member running or driving it
 * @param reportTo     the member driving the parent (null for the root), told when this commits
 * @param attempt      bumped on every re-assignment; a commit from another attempt is refused
 * @param leafSize     the job's leaf size, as chosen when the job started
 * @param taskAttempts for a leaf: which attempt of its tasks this is (1, or more for a retry)
 * @param triedOn      members that already failed the task of a retry leaf
 * @param children     for a driver, how many children it created (0 until it has split)
 * @param done         for a DONE leaf, tasks that succeeded
 * @param outcome      once DONE, the committed outcome: a list of {@link Pieces} entries
 * @param reruns       times it was re-delegated because its member left (a steal moves it without a rerun)
 */
public record SubJobRecord(String jobId, String path, String parentPath, boolean leaf, Slice slice,
                           List<UUID> group, UUID assignee, UUID reportTo, int attempt, SubJobState state,
                           int leafSize, int taskAttempts, Set<UUID> triedOn, int children, long done,
                           List<Object> outcome, long updatedMillis, int reruns) implements Serializable {

    public SubJobKey key() {
        return new SubJobKey(jobId, path);
    }

    public SubJobRecord withState(SubJobState newState, long now) {
        return new SubJobRecord(jobId, path, parentPath, leaf, slice, group, assignee, reportTo, attempt, newState,
                leafSize, taskAttempts, triedOn, children, done, outcome, now, reruns);
    }

    /**
     * The next attempt, on {@code newAssignee}, which leads its group from now on; {@code rerun}
     * when the work starts over because its member left, false for a steal of work not yet begun.
     */
    SubJobRecord reassigned(UUID newAssignee, UUID newReportTo, boolean rerun, long now) {
        List<UUID> newGroup = new java.util.ArrayList<>(group.size() + 1);
        newGroup.add(newAssignee);
        for (UUID member : group) {
            if (!member.equals(newAssignee)) {
                newGroup.add(member);
            }
        }
        return new SubJobRecord(jobId, path, parentPath, leaf, slice, List.copyOf(newGroup), newAssignee, newReportTo,
                attempt + 1, SubJobState.ASSIGNED, leafSize, taskAttempts, triedOn, children, 0, null, now,
                rerun ? reruns + 1 : reruns);
    }

    SubJobRecord withReportTo(UUID newReportTo, long now) {
        return new SubJobRecord(jobId, path, parentPath, leaf, slice, group, assignee, newReportTo, attempt, state,
                leafSize, taskAttempts, triedOn, children, done, outcome, now, reruns);
    }

    public SubJobRecord withChildren(int count, long now) {
        return new SubJobRecord(jobId, path, parentPath, leaf, slice, group, assignee, reportTo, attempt, state,
                leafSize, taskAttempts, triedOn, count, done, outcome, now, reruns);
    }

    SubJobRecord committed(long doneTasks, List<Object> committedOutcome, long now) {
        return new SubJobRecord(jobId, path, parentPath, leaf, slice, group, assignee, reportTo, attempt,
                SubJobState.DONE, leafSize, taskAttempts, triedOn, children, doneTasks, committedOutcome, now, reruns);
    }
}
