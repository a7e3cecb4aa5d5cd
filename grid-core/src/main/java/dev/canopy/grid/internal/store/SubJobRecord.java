package dev.canopy.grid.internal.store;

import dev.canopy.grid.internal.spec.Slice;
import dev.canopy.grid.internal.trust.ClusterKey;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One node of a job's tree in {@code canopy.subjobs}: what to run, who runs it, which attempt is
 * current, and, once DONE, the committed outcome. Immutable: every change is a new record written by
 * an entry processor that checks the attempt, so a stale member can never overwrite a newer one.
 * Built with {@link #builder} and changed with {@link #toBuilder()} or the with-ers below.
 *
 * @param parentPath   null for the root
 * @param leaf         true when the assignee runs the slice on its worker pool; false when it drives children
 * @param retry        true for a one-task leaf that retries a task that failed elsewhere
 * @param group        the members this sub-tree may use; the assignee is one of them
 * @param assignee     the member running or driving it
 * @param reportTo     the member driving the parent (null for the root), told when this commits
 * @param plan         the parent driver's attempt whose plan created it (see {@link AttemptId})
 * @param attempt      bumped on every re-assignment within a plan; a commit from another attempt is refused
 * @param leafSize     the job's leaf size, as chosen when the job started
 * @param taskAttempts for a leaf: which attempt of its tasks this is (1, or more for a retry)
 * @param triedOn      members that already failed the task of a retry leaf
 * @param children     for a driver, how many children it created (0 until it has split)
 * @param done         for a DONE leaf, tasks that succeeded
 * @param outcome      once DONE, the committed outcome
 * @param reruns       times it was re-delegated because its member left (a steal moves it without a rerun)
 * @param leftRunning  for a leaf whose member left while running it: the task it was running ("index 7"),
 *                     written by that member on its way out; null otherwise
 * @param commitSeal   with a cluster key, the committing member's seal of the outcome ({@link #commitVerifies});
 *                     null otherwise
 */
public record SubJobRecord(String jobId, String path, String parentPath, boolean leaf, boolean retry, Slice slice,
                           List<UUID> group, UUID assignee, UUID reportTo, int plan, int attempt, SubJobState state,
                           int leafSize, int taskAttempts, Set<UUID> triedOn, int children, long done,
                           List<Piece> outcome, long updatedMillis, int reruns, String leftRunning,
                           String commitSeal)
        implements Serializable {

    /** A new record of job {@code jobId} at {@code path}: ASSIGNED, first attempt of plan 1, first task attempt. */
    public static Builder builder(String jobId, String path) {
        return new Builder(jobId, path);
    }

    public SubJobKey key() {
        return new SubJobKey(jobId, path);
    }

    public AttemptId attemptId() {
        return new AttemptId(plan, attempt);
    }

    public boolean isRoot() {
        return parentPath == null;
    }

    public Builder toBuilder() {
        Builder b = new Builder(jobId, path);
        b.parentPath = parentPath;
        b.leaf = leaf;
        b.retry = retry;
        b.slice = slice;
        b.group = group;
        b.assignee = assignee;
        b.reportTo = reportTo;
        b.plan = plan;
        b.attempt = attempt;
        b.state = state;
        b.leafSize = leafSize;
        b.taskAttempts = taskAttempts;
        b.triedOn = triedOn;
        b.children = children;
        b.done = done;
        b.outcome = outcome;
        b.updatedMillis = updatedMillis;
        b.reruns = reruns;
        b.leftRunning = leftRunning;
        b.commitSeal = commitSeal;
        return b;
    }

    public SubJobRecord withState(SubJobState newState, long now) {
        return toBuilder().state(newState).updatedMillis(now).build();
    }

    /** True for a leaf that was running when its member left: its rerun counts as another attempt of its tasks. */
    public boolean ranWhenMemberLeft() {
        return leaf && state == SubJobState.RUNNING;
    }

    /**
     * The next attempt, on {@code newAssignee}, which leads its group from now on; {@code rerun}
     * when the work starts over because its member left, false for a steal of work not yet begun.
     * A leaf that was running when its member left starts the next attempt of its tasks, and its
     * member joins those they were tried on: the task may be what killed the member.
     */
    public SubJobRecord reassigned(UUID newAssignee, UUID newReportTo, boolean rerun, long now) {
        List<UUID> newGroup = new ArrayList<>(group.size() + 1);
        newGroup.add(newAssignee);
        for (UUID member : group) {
            if (!member.equals(newAssignee)) {
                newGroup.add(member);
            }
        }
        Builder next = toBuilder().group(List.copyOf(newGroup)).assignee(newAssignee).reportTo(newReportTo)
                .attempt(attempt + 1).state(SubJobState.ASSIGNED).done(0).outcome(null).commitSeal(null).updatedMillis(now)
                .reruns(rerun ? reruns + 1 : reruns).leftRunning(null);
        if (rerun && ranWhenMemberLeft()) {
            Set<UUID> tried = new HashSet<>(triedOn == null ? Set.of() : triedOn);
            tried.add(assignee);
            next.taskAttempts(taskAttempts + 1).triedOn(Set.copyOf(tried));
        }
        return next.build();
    }

    public SubJobRecord withReportTo(UUID newReportTo, long now) {
        return toBuilder().reportTo(newReportTo).updatedMillis(now).build();
    }

    public SubJobRecord withChildren(int count, long now) {
        return toBuilder().children(count).updatedMillis(now).build();
    }

    public SubJobRecord committed(long doneTasks, List<Piece> committedOutcome, long now) {
        return committed(doneTasks, committedOutcome, null, now);
    }

    public SubJobRecord committed(long doneTasks, List<Piece> committedOutcome, String seal, long now) {
        return toBuilder().state(SubJobState.DONE).done(doneTasks).outcome(committedOutcome).commitSeal(seal)
                .updatedMillis(now).build();
    }

    /**
     * The seal a member with {@code key} puts on its commit of this sub-job's attempt: over the job,
     * the path, the attempt, the tasks done and the outcome ({@link Canonical}). Null without a key.
     */
    public static String sealCommit(ClusterKey key, SubJobKey subJob, AttemptId attempt, long done,
                                    List<Piece> outcome) {
        return key.isSet() ? Seals.text(key.sign(ClusterKey.Use.COMMIT, subJob.jobId() + "/" + subJob.path(),
                commitBytes(attempt, done, outcome))) : null;
    }

    /**
     * Whether a driver with {@code key} may count this DONE record's outcome: anyone who can write
     * the map could otherwise commit any partial for any sub-job. Always true without a key.
     */
    public boolean commitVerifies(ClusterKey key) {
        return !key.isSet() || key.verifies(Seals.bytes(commitSeal), ClusterKey.Use.COMMIT, jobId + "/" + path,
                commitBytes(attemptId(), done, outcome));
    }

    private static byte[] commitBytes(AttemptId attempt, long done, List<Piece> outcome) {
        return new Canonical().number(attempt.plan()).number(attempt.run()).number(done).pieces(outcome).bytes();
    }

    /** Collects a record's fields; unset ones take the values of a new, unassigned, unsplit sub-job. */
    public static final class Builder {
        private final String jobId;
        private final String path;
        private String parentPath;
        private boolean leaf;
        private boolean retry;
        private Slice slice;
        private List<UUID> group = List.of();
        private UUID assignee;
        private UUID reportTo;
        private int plan = 1;
        private int attempt = 1;
        private SubJobState state = SubJobState.ASSIGNED;
        private int leafSize;
        private int taskAttempts = 1;
        private Set<UUID> triedOn;
        private int children;
        private long done;
        private List<Piece> outcome;
        private long updatedMillis;
        private int reruns;
        private String leftRunning;
        private String commitSeal;

        private Builder(String jobId, String path) {
            this.jobId = jobId;
            this.path = path;
        }

        public Builder parentPath(String value) {
            parentPath = value;
            return this;
        }

        public Builder leaf(boolean value) {
            leaf = value;
            return this;
        }

        public Builder retry(boolean value) {
            retry = value;
            return this;
        }

        public Builder slice(Slice value) {
            slice = value;
            return this;
        }

        public Builder group(List<UUID> value) {
            group = value;
            return this;
        }

        public Builder assignee(UUID value) {
            assignee = value;
            return this;
        }

        public Builder reportTo(UUID value) {
            reportTo = value;
            return this;
        }

        public Builder plan(int value) {
            plan = value;
            return this;
        }

        public Builder attempt(int value) {
            attempt = value;
            return this;
        }

        public Builder state(SubJobState value) {
            state = value;
            return this;
        }

        public Builder leafSize(int value) {
            leafSize = value;
            return this;
        }

        public Builder taskAttempts(int value) {
            taskAttempts = value;
            return this;
        }

        public Builder triedOn(Set<UUID> value) {
            triedOn = value;
            return this;
        }

        public Builder children(int value) {
            children = value;
            return this;
        }

        public Builder done(long value) {
            done = value;
            return this;
        }

        public Builder outcome(List<Piece> value) {
            outcome = value;
            return this;
        }

        public Builder updatedMillis(long value) {
            updatedMillis = value;
            return this;
        }

        public Builder reruns(int value) {
            reruns = value;
            return this;
        }

        public Builder commitSeal(String value) {
            commitSeal = value;
            return this;
        }

        public Builder leftRunning(String value) {
            leftRunning = value;
            return this;
        }

        public SubJobRecord build() {
            return new SubJobRecord(jobId, path, parentPath, leaf, retry, slice, group, assignee, reportTo, plan,
                    attempt, state, leafSize, taskAttempts, triedOn, children, done, outcome, updatedMillis, reruns,
                    leftRunning, commitSeal);
        }
    }
}
